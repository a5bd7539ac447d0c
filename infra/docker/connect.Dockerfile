# Kafka Connect with the Debezium PostgreSQL connector: the official Debezium Connect image, at the
# Debezium version pinned in infra/versions.json (a test keeps the two equal), with the Prometheus
# JMX exporter agent and rules the local stack runs on its worker (Connect's and Debezium's metrics
# at :9404).
#   docker build -f infra/docker/connect.Dockerfile -t im-pipeline/connect .
FROM quay.io/debezium/connect:3.2.3.Final
ARG JMX_PROMETHEUS_JAVAAGENT=1.0.1
# Not the image's own ENABLE_JMX_EXPORTER: that reads its rules from /kafka/config, a volume whose
# first copy would keep the image's file. These paths are outside every volume.
ADD --chmod=644 https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/${JMX_PROMETHEUS_JAVAAGENT}/jmx_prometheus_javaagent-${JMX_PROMETHEUS_JAVAAGENT}.jar /kafka/jmx-exporter/jmx_prometheus_javaagent.jar
COPY --chmod=644 infra/prometheus/jmx-connect.yaml /kafka/jmx-exporter/jmx-connect.yaml
# connectors/im-write.json reads the database's address from Connect's environment
# (${env:CDC_DATABASE_HOST} …); the password goes from CDC_DATABASE_PASSWORD into a password file
# the driver reads (connect-entrypoint.sh), so no connector configuration holds it.
COPY --chmod=755 infra/docker/connect-entrypoint.sh /connect-entrypoint.sh
ENTRYPOINT ["/connect-entrypoint.sh"]
CMD ["start"]
# ENABLE_APICURIO_CONVERTERS: the Apicurio Avro converter this image ships (2.6.2.Final in
# connect-base/3.2), which the Avro format (connectors/avro-format.json) names; it reads the
# registry at CDC_REGISTRY_URL, given with the other CDC_* variables.
ENV ENABLE_APICURIO_CONVERTERS=true \
    CONNECT_CONFIG_PROVIDERS=env \
    CONNECT_CONFIG_PROVIDERS_ENV_CLASS=org.apache.kafka.common.config.provider.EnvVarConfigProvider \
    CONNECT_SCHEDULED_REBALANCE_MAX_DELAY_MS=0 \
    KAFKA_OPTS="-javaagent:/kafka/jmx-exporter/jmx_prometheus_javaagent.jar=9404:/kafka/jmx-exporter/jmx-connect.yaml"
EXPOSE 9404
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 \
  CMD ["curl", "-fsS", "http://127.0.0.1:8083/connectors"]
