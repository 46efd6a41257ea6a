package dev.usageledger.demo.dashboards;

import dev.usageledger.demo.dashboards.GrafanaSql.Variable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One dashboard of {@code grafana/dashboards}: its variables, and every query of its panels (rows' nested panels
 * included) and of its query variables, each named by dashboard and panel (or variable) for failure messages.
 */
public record Dashboard(String file, String title, List<Variable> variables, List<Query> queries) {

    public static final String MYSQL_UID = "ledger-mysql";
    public static final String PROMETHEUS_UID = "prometheus";

    /**
     * A query as written in the JSON.
     *
     * @param where    "dashboard › panel [refId]" or "dashboard › variable $name"
     * @param source   {@link #MYSQL_UID} or {@link #PROMETHEUS_UID}
     * @param format   {@code table} or {@code time_series} for a panel's SQL, {@code null} otherwise
     * @param variable the variable whose values the query lists, {@code null} for a panel's query
     */
    public record Query(String where, String source, String text, String format, String variable) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static List<Dashboard> all(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sorted = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            List<Dashboard> out = new ArrayList<>();
            for (Path f : sorted) {
                out.add(read(f));
            }
            return out;
        }
    }

    static Dashboard read(Path file) throws IOException {
        JsonNode root = JSON.readTree(Files.readString(file));
        String title = root.get("title").asString();
        List<Variable> variables = new ArrayList<>();
        List<Query> queries = new ArrayList<>();
        for (JsonNode v : root.path("templating").path("list")) {
            String name = v.get("name").asString();
            String type = v.path("type").asString("");
            List<String> options = "custom".equals(type)
                    ? List.of(v.get("query").asString().split("\\s*,\\s*")) : List.of();
            variables.add(new Variable(name, v.path("multi").asBoolean(false), v.path("includeAll").asBoolean(false),
                    v.path("allValue").isNull() ? null : v.path("allValue").asString(null), options));
            if ("query".equals(type)) {
                JsonNode q = v.get("query");
                String text = q.isObject() ? q.path("rawSql").asString(q.path("query").asString("")) : q.asString();
                queries.add(new Query(title + " › variable $" + name, uid(v, null), text, null, name));
            }
        }
        collect(title, root.path("panels"), queries);
        return new Dashboard(file.getFileName().toString(), title, variables, queries);
    }

    private static void collect(String title, JsonNode panels, List<Query> into) {
        for (JsonNode panel : panels) {
            collect(title, panel.path("panels"), into);
            for (JsonNode target : panel.path("targets")) {
                String source = uid(target, uid(panel, null));
                String where = title + " › " + panel.path("title").asString("(untitled)") + " ["
                        + target.path("refId").asString("?") + "]";
                if (MYSQL_UID.equals(source)) {
                    into.add(new Query(where, source, target.path("rawSql").asString(),
                            target.path("format").asString("time_series"), null));
                } else if (PROMETHEUS_UID.equals(source)) {
                    into.add(new Query(where, source, target.path("expr").asString(), null, null));
                } else {
                    throw new IllegalStateException(where + ": unknown data source " + source);
                }
            }
        }
    }

    private static String uid(JsonNode node, String fallback) {
        JsonNode ds = node.path("datasource");
        return ds.isObject() && ds.has("uid") ? ds.get("uid").asString() : fallback;
    }

    /** The SQL of the panels. */
    public List<Query> panelSql() {
        return queries.stream().filter(q -> MYSQL_UID.equals(q.source()) && q.variable() == null).toList();
    }

    /** The SQL of the query variables. */
    public List<Query> variableSql() {
        return queries.stream().filter(q -> MYSQL_UID.equals(q.source()) && q.variable() != null).toList();
    }

    public List<Query> promQl() {
        return queries.stream().filter(q -> PROMETHEUS_UID.equals(q.source())).toList();
    }
}
