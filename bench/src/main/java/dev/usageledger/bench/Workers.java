package dev.usageledger.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** Closed-loop load: {@code threads} callers share the indexes 0 to {@code count - 1}, each taking the next free one. */
final class Workers {

    /** One call of the load, by its index. */
    interface Task {
        void run(long index) throws Exception;
    }

    private Workers() {}

    /** Runs {@code task} once per index on {@code threads} threads; returns when all are done, or throws the first failure. */
    static void share(long count, int threads, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicLong next = new AtomicLong();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        task.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
