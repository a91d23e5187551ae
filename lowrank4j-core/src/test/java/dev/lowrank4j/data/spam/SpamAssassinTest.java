package dev.lowrank4j.data.spam;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpamAssassinTest {
    static final double TEST_FRACTION = 0.2;
    static final int STRATIFICATION_SEEDS = 20;

    @TempDir
    Path tmp;

    @Test
    void labelsFollowTheGroupNames() {
        List<LabeledText> all = SpamAssassin.load(SpamFixture.dir());
        assertEquals(SpamFixture.MESSAGES, all.size());
        for (LabeledText e : all) {
            assertEquals(e.group().startsWith("spam-") ? SpamAssassin.SPAM : SpamAssassin.HAM, e.label(), e.key());
            assertTrue(e.key().startsWith(e.group() + "/"), e.key());
        }
        assertEquals(SpamFixture.SPAM, TextSplit.count(all, SpamAssassin.SPAM));
        assertEquals(0, SpamAssassin.labelOf("hard-ham-1"));
        assertEquals(1, SpamAssassin.labelOf("spam-2"));
        assertThrows(Lowrank4jException.class, () -> SpamAssassin.labelOf("unsorted-1"));
    }

    @Test
    void messagesBecomeSubjectPlusBodyText() {
        Map<String, String> byKey = new java.util.HashMap<>();
        for (LabeledText e : SpamAssassin.load(SpamFixture.dir())) byKey.put(e.key(), e.text());
        String insurance = byKey.get("spam-1/00001"); // quoted-printable HTML
        assertTrue(insurance.startsWith("Life Insurance - Why Pay More? SAVE UP TO 70% ON LIFE INSURANCE!"), insurance);
        assertTrue(insurance.contains("Click here >> for your FREE quote"), insurance);
        assertFalse(insurance.contains("tracking") || insurance.contains("<") || insurance.contains("=3D"), insurance);
        assertTrue(byKey.get("easy-ham-2/00002").startsWith("Café meetup schedule The café meetup"), byKey.get("easy-ham-2/00002"));
        for (String text : byKey.values()) {
            assertFalse(text.contains("Return-Path") || text.contains("example.invalid"), "headers leaked: " + text);
        }
    }

    @Test
    void splitIsStratifiedAndCoversEveryExampleOnce() {
        List<LabeledText> all = SpamAssassin.load(SpamFixture.dir());
        // a plain random split would miss these exact class counts for most of the seeds
        for (long seed = 0; seed < STRATIFICATION_SEEDS; seed++) {
            TextSplit s = StratifiedSplit.split(all, TEST_FRACTION, seed);
            assertEquals(Math.round(SpamFixture.HAM * TEST_FRACTION), TextSplit.count(s.test(), SpamAssassin.HAM));
            assertEquals(Math.round(SpamFixture.SPAM * TEST_FRACTION), TextSplit.count(s.test(), SpamAssassin.SPAM));
            Set<String> keys = new HashSet<>();
            Stream.concat(s.train().stream(), s.test().stream()).forEach(e -> assertTrue(keys.add(e.key()), "twice: " + e.key()));
            assertEquals(SpamFixture.MESSAGES, keys.size());
        }
    }

    @Test
    void splitDependsOnTheSeedOnlyNotOnTheListingOrder() throws IOException {
        Path reordered = copyFixture(tmp.resolve("reordered"));
        List<String> lines = new ArrayList<>(List.of(Files.readString(reordered.resolve(SpamAssassin.MANIFEST))
                .replaceAll("[\\[\\]\\s]", "").split(",")));
        Collections.reverse(lines);
        Files.writeString(reordered.resolve(SpamAssassin.MANIFEST), "[" + String.join(",", lines) + "]");

        TextSplit a = SpamAssassin.split(SpamFixture.dir(), TEST_FRACTION, 3);
        TextSplit b = SpamAssassin.split(reordered, TEST_FRACTION, 3);
        assertEquals(keys(a.train()), keys(b.train()));
        assertEquals(keys(a.test()), keys(b.test()));
        TextSplit other = SpamAssassin.split(SpamFixture.dir(), TEST_FRACTION, 4);
        assertNotEquals(keys(a.test()), keys(other.test()), "a different seed should pick a different test set");
    }

    @Test
    void trainLimitKeepsTheTestSetAndAPrefixOfTheShuffledTrainingSet() {
        TextSplit s = SpamAssassin.split(SpamFixture.dir(), TEST_FRACTION, 1);
        TextSplit limited = s.limitTrain(5);
        assertEquals(s.train().subList(0, 5), limited.train());
        assertEquals(s.test(), limited.test());
        assertEquals(s, s.limitTrain(0));
    }

    @Test
    void missingCacheIsOneLineThatSaysHowToFetch() {
        var e = assertThrows(Lowrank4jException.class, () -> SpamAssassin.load(tmp.resolve("nothing-here")));
        assertTrue(e.getMessage().contains("scripts/fetch-data.sh spam-assassin"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("nothing-here").toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void incompleteCacheNamesTheMissingFile() throws IOException {
        Path broken = copyFixture(tmp.resolve("broken"));
        Path victim;
        try (Stream<Path> files = Files.list(broken.resolve("spam-2"))) {
            victim = files.filter(p -> p.toString().endsWith(".json")).sorted().findFirst().orElseThrow();
        }
        Files.delete(victim);
        var e = assertThrows(Lowrank4jException.class, () -> SpamAssassin.load(broken));
        assertTrue(e.getMessage().contains(victim.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("scripts/fetch-data.sh spam-assassin"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private static List<String> keys(List<LabeledText> list) {
        return list.stream().map(LabeledText::key).toList();
    }

    private static Path copyFixture(Path dest) throws IOException {
        Path src = SpamFixture.dir();
        try (Stream<Path> all = Files.walk(src)) {
            for (Path p : all.toList()) {
                Path target = dest.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
        return dest;
    }
}
