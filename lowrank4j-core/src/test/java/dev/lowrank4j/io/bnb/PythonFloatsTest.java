package dev.lowrank4j.io.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PythonFloatsTest {
    /** Expected strings printed by CPython 3.11's repr for the same doubles. */
    @Test
    void matchesPythonRepr() {
        double[] values = {0.2666829526424408, 0.0001, 0.00001, 1.5e-05, 1e16, 1e15, 123456789.0, 1.0, 0.1, -2.5, 100.0,
                (double) 0.012345f, 5e-324, 1.7976931348623157e308, 3.0e-5, 0.000123, 12345678901234567.0, -0.0};
        String[] python = {"0.2666829526424408", "0.0001", "1e-05", "1.5e-05", "1e+16", "1000000000000000.0",
                "123456789.0", "1.0", "0.1", "-2.5", "100.0", "0.01234500017017126", "5e-324",
                "1.7976931348623157e+308", "3e-05", "0.000123", "1.2345678901234568e+16", "-0.0"};
        for (int i = 0; i < values.length; i++) assertEquals(python[i], PythonFloats.repr(values[i]), "value " + values[i]);
    }
}
