import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import type { StackConfig } from './config';
import { writeLog4jConsoleConfig, writeProperties as writePropertiesFile } from './jvmConfigFiles';
import { createDaemon, logTail, portInUse, runningPid, startDaemon, stopDaemon } from './daemon';
import type { JvmArtifacts } from './jvmArtifacts';
import { GiveUp, waitFor } from './waitFor';

const CLUSTER_ID_FILE = 'cluster.id';

/** A single-node Kafka in KRaft mode (broker and controller in one JVM). */
export function createKafkaBroker(config: StackConfig, log: Logger) {
  const k = config.kafka;
  const confDir = path.join(config.stateDir, 'kafka');
  const propertiesFile = path.join(confDir, 'server.properties');
  const log4jFile = path.join(confDir, 'log4j.properties');
  const proc = createDaemon('kafka', config.runDir, config.logDir, propertiesFile);

  function writeProperties(): void {
    fs.mkdirSync(k.dataDir, { recursive: true });
    const properties = [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@${k.host}:${k.controllerPort}`,
      `listeners=PLAINTEXT://${k.host}:${k.port},CONTROLLER://${k.host}:${k.controllerPort}`,
      `advertised.listeners=PLAINTEXT://${k.host}:${k.port}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
      `log.dirs=${k.dataDir}`,
      // Small-machine settings: one node, no replication, no waiting for more members to join.
      'num.partitions=1',
      'default.replication.factor=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=1',
      'group.initial.rebalance.delay.ms=0',
      'num.network.threads=2',
      'num.io.threads=4',
      'log.segment.bytes=268435456',
      // Topics are made deliberately (Connect's topic creation, the projector, tests), never by a typo.
      'auto.create.topics.enable=false',
      'delete.topic.enable=true',
    ];
    writePropertiesFile(propertiesFile, properties);
    writeLog4jConsoleConfig(log4jFile, '[%d] %p %m (%c)%n', {
      kafka: 'INFO',
      'org.apache.kafka': 'INFO',
      'state.change.logger': 'WARN',
      'kafka.controller': 'WARN',
      'kafka.log.LogCleaner': 'WARN',
      'org.apache.kafka.storage.internals.log': 'WARN',
      'kafka.request.logger': 'WARN',
    });
  }

  function formatStorageOnce(jvm: JvmArtifacts): void {
    if (fs.existsSync(path.join(k.dataDir, 'meta.properties'))) return;
    const idFile = path.join(confDir, CLUSTER_ID_FILE);
    let clusterId = fs.existsSync(idFile) ? fs.readFileSync(idFile, 'utf8').trim() : '';
    if (clusterId === '') {
      const random = spawnSync('java', ['-cp', jvm.classpath, 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' });
      if (random.status !== 0) throw new Error(`kafka-storage random-uuid failed:\n${random.stderr}`);
      clusterId = random.stdout.trim();
      fs.writeFileSync(idFile, clusterId);
    }
    log.info({ clusterId }, 'formatting kafka storage');
    const format = spawnSync(
      'java',
      [
        `-Dlog4j.configuration=file:${log4jFile}`,
        '-cp',
        jvm.classpath,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        propertiesFile,
        '--ignore-formatted',
      ],
      { encoding: 'utf8' },
    );
    if (format.status !== 0) throw new Error(`kafka-storage format failed:\n${format.stdout}\n${format.stderr}`);
  }

  async function isReady(): Promise<boolean> {
    const kafka = new Kafka({
      clientId: 'stack-probe',
      brokers: [`${k.host}:${k.port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 && cluster.controller !== null;
    } finally {
      await admin.disconnect();
    }
  }

  return {
    daemon: proc,
    isRunning: () => runningPid(proc) !== undefined,
    isReady,

    async start(jvm: JvmArtifacts): Promise<'started' | 'reused'> {
      let outcome: 'started' | 'reused' = 'reused';
      if (runningPid(proc) === undefined) {
        for (const port of [k.port, k.controllerPort]) {
          if (await portInUse(k.host, port)) {
            throw new Error(
              `port ${port} is taken by a process that is not this stack's Kafka; set STACK_KAFKA_PORT / STACK_KAFKA_CONTROLLER_PORT`,
            );
          }
        }
        writeProperties();
        formatStorageOnce(jvm);
        startDaemon(proc, {
          command: 'java',
          args: [
            `-Xmx${k.heap}`,
            `-Xms${k.heap}`,
            '-XX:+UseG1GC',
            '-XX:MaxGCPauseMillis=20',
            '-Djava.awt.headless=true',
            `-javaagent:${jvm.metricsAgent}=${k.host}:${k.metricsPort}:${path.join(config.rootDir, 'infra', 'prometheus', 'jmx-kafka.yaml')}`,
            `-Dlog4j.configuration=file:${log4jFile}`,
            `-Dkafka.logs.dir=${config.logDir}`,
            '-cp',
            jvm.classpath,
            'kafka.Kafka',
            propertiesFile,
          ],
          env: config.inheritedEnv,
        });
        outcome = 'started';
      }
      await waitFor(
        async () => {
          if (runningPid(proc) === undefined) throw new GiveUp(`kafka exited; last log lines:\n${logTail(proc.logFile)}`);
          return (await isReady()) ? true : undefined;
        },
        { what: `Kafka on ${k.host}:${k.port}`, timeoutMs: 90_000, intervalMs: 500 },
      );
      log.info({ brokers: `${k.host}:${k.port}`, outcome }, 'kafka ready');
      return outcome;
    },

    stop: () => stopDaemon(proc, 60_000),
  };
}

export type KafkaBroker = ReturnType<typeof createKafkaBroker>;
