enum _RedisPending {}
