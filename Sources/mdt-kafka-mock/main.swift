// Placeholder: runs librdkafka's mock cluster (see Kafka.MockCluster) once the Kafka module lands.
print("mdt-kafka-mock: not built yet")
