# The Kafka broker: the official Apache Kafka image at the version infra/versions.json pins, with
# the Prometheus JMX exporter agent the local stack runs on its broker (same version, same rules
# file), so Prometheus reads the broker's metrics at :9404 in compose as it does locally.
#   docker build -f infra/docker/kafka.Dockerfile -t im-pipeline/kafka .
FROM apache/kafka:3.9.1
ARG JMX_PROMETHEUS_JAVAAGENT=1.0.1
ADD --chmod=644 https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/${JMX_PROMETHEUS_JAVAAGENT}/jmx_prometheus_javaagent-${JMX_PROMETHEUS_JAVAAGENT}.jar /opt/jmx-exporter/jmx_prometheus_javaagent.jar
COPY --chmod=644 infra/prometheus/jmx-kafka.yaml /opt/jmx-exporter/jmx-kafka.yaml
# KAFKA_OPTS is one of the variables the image does not turn into a broker property.
ENV KAFKA_OPTS="-javaagent:/opt/jmx-exporter/jmx_prometheus_javaagent.jar=9404:/opt/jmx-exporter/jmx-kafka.yaml"
EXPOSE 9404
