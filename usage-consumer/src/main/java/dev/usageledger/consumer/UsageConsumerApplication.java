package dev.usageledger.consumer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Projects {@code usage-events} into MySQL exactly once. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class UsageConsumerApplication {

    public static void main(String[] args) {
        NativeLz4.load(); // before Kafka's first lz4 batch picks its decompressor
        SpringApplication.run(UsageConsumerApplication.class, args);
    }
}
