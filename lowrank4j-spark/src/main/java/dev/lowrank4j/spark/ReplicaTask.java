package dev.lowrank4j.spark;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Json;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of one barrier task: rank = partition id; open a listening socket, exchange addresses
 * with one {@code allGather} (Spark's only part in the exchange: it costs about a second, fine
 * once per run, far too slow per step), join the ring and run the replica.
 */
final class ReplicaTask extends AbstractFunction1<Iterator<Integer>, Iterator<String>> implements Serializable {
    private final ReplicaSpec spec;

    ReplicaTask(ReplicaSpec spec) {
        this.spec = spec;
    }

    @Override
    public Iterator<String> apply(Iterator<Integer> ignored) {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId();
        try (ServerSocket server = new ServerSocket()) {
            InetAddress bind = spec.loopback() ? InetAddress.getLoopbackAddress() : null;
            server.bind(new InetSocketAddress(bind, spec.ringPort() == 0 ? 0 : spec.ringPort() + rank));
            String host = spec.loopback() ? "127.0.0.1" : SparkEnv.get().blockManager().blockManagerId().host();
            String[] all = ctx.allGather(host + ":" + server.getLocalPort());
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (String a : all) {
                int colon = a.lastIndexOf(':');
                addresses.add(new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))));
            }
            try (RingAllReduce ring = RingAllReduce.connect(rank, addresses, server, spec.bucket(),
                    Duration.ofSeconds(spec.ringTimeoutSeconds()))) {
                ReplicaRun.Outcome outcome = ReplicaRun.run(spec, rank, ring);
                String json = Json.compact(outcome);
                return CollectionConverters.asScala(List.of(json).iterator());
            }
        } catch (IOException e) {
            throw new Lowrank4jException("rank " + rank + ": cannot open the ring's port (" + e.getMessage() + ")");
        }
    }
}
