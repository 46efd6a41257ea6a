package dev.usageledger.statsapi;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The read side for analysts (CONTRACT §5): series, top-N and the ledger from MySQL, as JSON or CSV; Claude Relay
 * Service's stats endpoints (§6) and a FOCUS 1.2 cost export. It reads through
 * its own data source only and depends on neither Kafka nor Redis, so it answers while they are down; it never
 * writes and never migrates the schema.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StatsApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(StatsApiApplication.class, args);
    }
}
