package dev.usageledger.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What one scenario found: its measurements, its figures (with or without a target) and its correctness checks,
 * in the order found; {@link Report} lays out the findings of every scenario of an invocation.
 */
final class Findings {

    /** A figure of the invocation, with its target when it has one. */
    record Ratio(String name, double value, double target, String unit, boolean atMost, double second) {
        Ratio(String name, double value, double target, String unit, boolean atMost) {
            this(name, value, target, unit, atMost, Double.NaN);
        }

        boolean met() {
            return Double.isNaN(target) || (atMost ? value <= target : value >= target);
        }
    }

    /** A correctness check; the run fails if any does not pass. */
    record Check(String name, boolean passed, String detail) {}

    final List<Measurement> measurements = new ArrayList<>();
    final List<Ratio> ratios = new ArrayList<>();
    final List<Check> checks = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    void add(Measurement m) {
        measurements.add(m);
    }

    /** A figure that must be at least {@code target}. */
    void ratio(String name, double value, double target, String unit) {
        ratios.add(new Ratio(name, value, target, unit, false));
    }

    /** A figure that must be at most {@code limit}. */
    void limit(String name, double value, double limit, String unit) {
        ratios.add(new Ratio(name, value, limit, unit, true));
    }

    /**
     * A figure without a target (shown as {@code value} or {@code value / second} when {@code second} is a
     * number).
     */
    void figure(String name, double value, double second, String unit) {
        ratios.add(new Ratio(name, value, Double.NaN, unit, false, second));
    }

    void check(String name, boolean passed, String detail) {
        checks.add(new Check(name, passed, detail));
    }

    void note(String note) {
        notes.add(note);
    }

    /** Appends everything {@code other} found, in its order. */
    void addAll(Findings other) {
        measurements.addAll(other.measurements);
        ratios.addAll(other.ratios);
        checks.addAll(other.checks);
        notes.addAll(other.notes);
    }

    boolean checksPassed() {
        return checks.stream().allMatch(Check::passed);
    }
}
