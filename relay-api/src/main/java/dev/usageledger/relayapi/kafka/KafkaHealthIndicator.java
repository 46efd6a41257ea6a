package dev.usageledger.relayapi.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP when the Kafka cluster answers {@code describeCluster} within {@code timeout}, DOWN otherwise. The answer is
 * reused for {@code cacheTtl}, so probes and scrapes never pile up admin requests, and a probe never waits longer than
 * {@code timeout}. The readiness group consists of this check: without Kafka, ingest can only answer 503.
 */
public final class KafkaHealthIndicator implements HealthIndicator, DisposableBean {

    private final Map<String, Object> adminConfig;
    private final Duration timeout;
    private final long cacheTtlNanos;
    private final TopicProvisioner topics;
    private Admin admin;
    private volatile Snapshot last;

    private record Snapshot(Health health, long at) {}

    public KafkaHealthIndicator(Map<String, Object> adminConfig, Duration timeout, Duration cacheTtl,
            TopicProvisioner topics) {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "relay-api-health");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        this.adminConfig = Map.copyOf(config);
        this.timeout = timeout;
        this.cacheTtlNanos = cacheTtl.toNanos();
        this.topics = topics;
    }

    @Override
    public Health health() {
        Snapshot snapshot = last;
        if (fresh(snapshot)) {
            return snapshot.health();
        }
        synchronized (this) {
            snapshot = last;
            if (fresh(snapshot)) {
                return snapshot.health();
            }
            Health health = check();
            last = new Snapshot(health, System.nanoTime());
            return health;
        }
    }

    private boolean fresh(Snapshot snapshot) {
        return snapshot != null && System.nanoTime() - snapshot.at() < cacheTtlNanos;
    }

    private Health check() {
        try {
            DescribeClusterResult cluster = admin().describeCluster(
                    new DescribeClusterOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            Collection<Node> nodes = cluster.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String clusterId = cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            boolean topicsReady = topics.ensure();
            return Health.up()
                    .withDetail("clusterId", String.valueOf(clusterId))
                    .withDetail("brokers", nodes.size())
                    .withDetail("topics", topicsReady ? "ready" : "not yet created")
                    .build();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Health.down().withDetail("error", Failures.describe(e)).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down().withDetail("error", "interrupted").build();
        }
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminConfig);
        }
        return admin;
    }

    @Override
    public synchronized void destroy() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
            admin = null;
        }
    }
}
