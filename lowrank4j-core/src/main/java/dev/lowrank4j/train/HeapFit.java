package dev.lowrank4j.train;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.MemoryCategory;

/**
 * Refuses, before the first step, a run whose memory ledger is already larger than the heap the
 * JVM may use, instead of letting it run out of memory inside a step (or, for a model of billions
 * of parameters, after minutes of building it). Before the first step the ledger holds weights,
 * gradients and optimizer states, and activations only on a resume (measured in an earlier step),
 * so a run that passes can still fail later; one that fails here cannot run at all.
 */
public final class HeapFit {
    private HeapFit() {}

    /** Throws a one-line error naming --max-memory when {@code ledger} exceeds {@code maxHeapBytes}. */
    public static void check(MemoryLedger ledger, long maxHeapBytes) {
        long need = ledger.total();
        if (need <= maxHeapBytes) return;
        boolean activations = ledger.get(MemoryCategory.ACTIVATIONS) > 0;
        long suggestGiB = (long) Math.ceil(need * 1.3 / (1L << 30)); // the step's activations and temporaries come on top
        throw new Lowrank4jException("this run needs at least " + MemoryLedger.human(need) + " (weights, gradients, optimizer states"
                + (activations ? ", activations" : "") + ") but this JVM may use " + MemoryLedger.human(maxHeapBytes)
                + "; give it more with --max-memory (e.g. --max-memory " + Math.max(1, suggestGiB) + "g), or train fewer parameters"
                + " (--method lora, galore, loqt) or a smaller model");
    }
}
