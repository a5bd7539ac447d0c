# Kafka Connect with the Debezium PostgreSQL connector: the official Debezium Connect image, at the
# Debezium version pinned in infra/versions.json (a test keeps the two equal).
#   docker build -f infra/docker/connect.Dockerfile -t im-pipeline/connect .
FROM quay.io/debezium/connect:3.2.3.Final
# connectors/im-write.json reads the database's address and password from Connect's environment
# (${env:CDC_DATABASE_HOST} …), so no secret is stored in Connect's config topic.
ENV CONNECT_CONFIG_PROVIDERS=env \
    CONNECT_CONFIG_PROVIDERS_ENV_CLASS=org.apache.kafka.common.config.provider.EnvVarConfigProvider \
    CONNECT_SCHEDULED_REBALANCE_MAX_DELAY_MS=0
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 \
  CMD ["curl", "-fsS", "http://127.0.0.1:8083/connectors"]
