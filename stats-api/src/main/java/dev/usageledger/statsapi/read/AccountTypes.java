package dev.usageledger.statsapi.read;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The account type of upstream accounts as the ledger records it: the type of each account's latest request before
 * an instant (the stats rows hold no types). An account that only ever had cost adjustments has none. Thread-safe.
 */
public final class AccountTypes {

    private static final int PER_STATEMENT = 200;

    private final StatsReader snapshots;

    public AccountTypes(StatsReader snapshots) {
        this.snapshots = snapshots;
    }

    /** The type of each of {@code accounts} that has one (null types left out), as of {@code before}. */
    public Map<String, String> latest(List<String> accounts, Instant before) {
        List<String> ids = new ArrayList<>(accounts);
        return snapshots.inSnapshot(c -> {
            Map<String, String> types = new HashMap<>();
            for (int from = 0; from < ids.size(); from += PER_STATEMENT) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + PER_STATEMENT));
                try (PreparedStatement ps = c.prepareStatement(ReadSql.latestAccountTypes(chunk.size()))) {
                    int p = 1;
                    for (String id : chunk) {
                        ps.setString(p++, id);
                        ps.setObject(p++, StatsReader.utc(before));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (rs.getString(2) != null) {
                                types.put(rs.getString(1), rs.getString(2));
                            }
                        }
                    }
                }
            }
            return types;
        });
    }
}
