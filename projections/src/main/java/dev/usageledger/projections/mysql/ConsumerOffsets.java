package dev.usageledger.projections.mysql;

import dev.usageledger.projections.retry.TransactionRetry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;

/**
 * The consumer's offsets, kept in MySQL beside the projections ("storing offsets outside Kafka").
 * On assignment a consumer {@linkplain #claim claims} its partitions: it bumps each partition's
 * epoch (fencing any earlier owner still finishing a batch) and learns where to seek.
 */
public final class ConsumerOffsets {

    private final DataSource dataSource;
    private final Clock clock;
    private final TransactionRetry retry;

    public ConsumerOffsets(DataSource dataSource, Clock clock, TransactionRetry retry) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.retry = retry;
    }

    /** Claims the partitions in one transaction, in partition order; returns where each one stands. */
    public List<PartitionClaim> claim(String consumerGroup, String topic, Collection<Integer> partitions) {
        List<Integer> sorted = partitions.stream().sorted().toList();
        return retry.call(() -> JdbcTransaction.run(dataSource, "claiming partitions " + sorted + " of " + topic,
                c -> claim(c, consumerGroup, topic, sorted)));
    }

    private List<PartitionClaim> claim(Connection c, String group, String topic, List<Integer> partitions)
            throws SQLException {
        Timestamp now = Timestamp.valueOf(LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
        try (PreparedStatement insert = c.prepareStatement(ProjectionSql.INSERT_OFFSET_IF_ABSENT);
                PreparedStatement bump = c.prepareStatement(ProjectionSql.BUMP_EPOCH);
                PreparedStatement select = c.prepareStatement(ProjectionSql.SELECT_OFFSET)) {
            List<PartitionClaim> claims = new ArrayList<>(partitions.size());
            for (int p : partitions) {
                insert.setString(1, group);
                insert.setString(2, topic);
                insert.setInt(3, p);
                insert.setObject(4, now.toLocalDateTime());
                insert.executeUpdate();
                bump.setString(1, group);
                bump.setString(2, topic);
                bump.setInt(3, p);
                bump.executeUpdate();
                select.setString(1, group);
                select.setString(2, topic);
                select.setInt(3, p);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    claims.add(new PartitionClaim(topic, p, rs.getLong(1), rs.getLong(2)));
                }
            }
            return claims;
        }
    }
}
