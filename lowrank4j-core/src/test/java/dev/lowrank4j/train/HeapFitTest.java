package dev.lowrank4j.train;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.MemoryCategory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HeapFitTest {
    @Test
    void aLedgerLargerThanTheHeapIsRefusedInOneLineNamingMaxMemory() {
        MemoryLedger ledger = new MemoryLedger().add(MemoryCategory.OPTIMIZER_STATES, 5L << 30).add(MemoryCategory.GRADIENTS, 3L << 30);
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> HeapFit.check(ledger, 6L << 30));
        assertEquals("this run needs at least 8.00 GiB (weights, gradients, optimizer states) but this JVM may use 6.00 GiB; "
                + "give it more with --max-memory (e.g. --max-memory 11g), or train fewer parameters (--method lora, galore, loqt)"
                + " or a smaller model", e.getMessage());
        assertDoesNotThrow(() -> HeapFit.check(ledger, 8L << 30));
    }
}
