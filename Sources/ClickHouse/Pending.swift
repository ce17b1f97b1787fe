enum _ClickHousePending {}
