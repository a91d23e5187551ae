package dev.lowrank4j.data.spam;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The synthetic SpamAssassin-layout corpus in the test resources (spam-mini/). */
public final class SpamFixture {
    /** 12 ham (easy-ham-1: 5, easy-ham-2: 4, hard-ham-1: 3) and 8 spam (4 + 4) messages. */
    public static final int MESSAGES = 20;
    public static final int HAM = 12;
    public static final int SPAM = 8;

    private SpamFixture() {}

    public static Path dir() {
        try {
            return Path.of(SpamFixture.class.getResource("/spam-mini/file_list.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
