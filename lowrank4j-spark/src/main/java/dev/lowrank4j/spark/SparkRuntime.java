package dev.lowrank4j.spark;

import org.apache.spark.SparkConf;

/** The SparkConf lowrank4j starts a context with. */
public final class SparkRuntime {
    private SparkRuntime() {}

    /**
     * A local master binds the driver to loopback (nothing leaves the machine); a cluster master
     * keeps what spark-submit or spark-defaults.conf say. The UI is off unless asked for.
     */
    public static SparkConf conf(String master, String appName) {
        SparkConf c = new SparkConf().setMaster(master).setAppName(appName)
                .setIfMissing("spark.ui.enabled", "false")
                .setIfMissing("spark.speculation", "false");
        if (SparkReplicas.isLocal(master)) {
            c.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return c;
    }
}
