package dev.usageledger.relayapi;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * HTTP ingest for relay nodes: authenticates, validates, prices and publishes usage events and cost
 * adjustments to Kafka (CONTRACT §0–§2). It holds no state of its own: an answer 202 means every
 * event of the request is committed on the topic; anything else means none of it is.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RelayApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(RelayApiApplication.class, args);
    }
}
