package dev.usageledger.projections.mysql;

/** What a committed batch changed. Duplicates are events whose id had been counted before. */
public record WriteResult(int newUsage, int duplicateUsage, int newAdjustments, int duplicateAdjustments,
        int statsRows) {}
