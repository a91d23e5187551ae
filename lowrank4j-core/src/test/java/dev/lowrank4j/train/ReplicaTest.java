package dev.lowrank4j.train;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.ByteTokenizer;
import dev.lowrank4j.data.Corpus;
import dev.lowrank4j.data.TokenDataset;
import dev.lowrank4j.tasks.TokenData;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** N replicas at batch b draw exactly the windows one process draws at batch N·b. */
class ReplicaTest {
    @Test
    void shardsOfTheGlobalBatchConcatenateToTheSingleProcessBatch() {
        TokenDataset tokens = new TokenDataset(ByteTokenizer.encode(Arrays.copyOf(Corpus.embedded(), 4000)), 0.1, 8);
        BatchStream<TokenDataset.Batch> one = new TokenData(tokens, 6, 8, 1).trainStream(3);
        TokenData perReplica = new TokenData(tokens, 2, 8, 1);
        BatchStream<TokenDataset.Batch> r0 = ReplicaShard.of(perReplica, new Replica(0, 3)).trainStream(3);
        BatchStream<TokenDataset.Batch> r1 = ReplicaShard.of(perReplica, new Replica(1, 3)).trainStream(3);
        BatchStream<TokenDataset.Batch> r2 = ReplicaShard.of(perReplica, new Replica(2, 3)).trainStream(3);
        for (int step = 0; step < 3; step++) {
            TokenDataset.Batch g = one.next(), a = r0.next(), b = r1.next(), c = r2.next();
            int[] joined = new int[g.inputs().length], joinedTargets = new int[g.inputs().length];
            int k = 0;
            for (TokenDataset.Batch x : new TokenDataset.Batch[] {a, b, c}) {
                assertEquals(2, x.batch());
                System.arraycopy(x.inputs(), 0, joined, k, x.inputs().length);
                System.arraycopy(x.targets(), 0, joinedTargets, k, x.inputs().length);
                k += x.inputs().length;
            }
            assertArrayEquals(g.inputs(), joined);
            assertArrayEquals(g.targets(), joinedTargets);
            assertEquals(one.position(), r2.position(), "every replica's stream stands where the single one does");
        }
        // a resumed replica continues where it stood
        BatchStream<TokenDataset.Batch> again = ReplicaShard.of(perReplica, new Replica(1, 3)).trainStream(3);
        again.seek(r1.position());
        assertArrayEquals(r1.next().inputs(), again.next().inputs());
    }

    @Test
    void oneProcessReadsItsDataUnchangedAndBadRanksAreRejected() {
        TokenDataset tokens = new TokenDataset(ByteTokenizer.encode(Arrays.copyOf(Corpus.embedded(), 4000)), 0.1, 8);
        TokenData d = new TokenData(tokens, 2, 8, 1);
        assertSame(d, ReplicaShard.of(d, Replica.SINGLE));
        assertThrows(Lowrank4jException.class, () -> new Replica(2, 2));
        assertThrows(Lowrank4jException.class, () -> new Replica(0, 0));
    }
}
