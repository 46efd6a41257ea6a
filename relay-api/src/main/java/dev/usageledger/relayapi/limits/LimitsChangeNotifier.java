package dev.usageledger.relayapi.limits;

import dev.usageledger.limits.LimitsChanged;

/** Tells the other instances that a key's limits changed; best effort, never throws. */
@FunctionalInterface
public interface LimitsChangeNotifier {

    void changed(LimitsChanged change);
}
