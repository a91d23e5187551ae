package dev.lowrank4j.io.bnb;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's {@code repr(float)}, which {@code json.dumps} uses for floats: the shortest digits that
 * round-trip, the closest such if several, written in fixed notation when the decimal exponent is
 * in [−4, 16) and as {@code 1.5e-05} / {@code 1e+16} otherwise. Lets a quant state we write be
 * byte-identical to the one bitsandbytes writes. (Java's Double.toString differs: it never
 * prints fewer than two digits, so 4.9E-324 where Python prints 5e-324.)
 */
final class PythonFloats {
    private PythonFloats() {}

    static String repr(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
        if (v == 0) return (1 / v < 0) ? "-0.0" : "0.0";
        BigDecimal exact = new BigDecimal(Math.abs(v)), d = exact;
        for (int precision = 1; precision <= 17; precision++) {
            d = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (d.doubleValue() == Math.abs(v)) break;
        }
        d = d.stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exponent = digits.length() - d.scale() - 1; // v = d.ddd × 10^exponent
        String body;
        if (exponent >= -4 && exponent < 16) {
            if (exponent < 0) {
                body = "0." + "0".repeat(-exponent - 1) + digits;
            } else if (exponent + 1 >= digits.length()) {
                body = digits + "0".repeat(exponent + 1 - digits.length()) + ".0";
            } else {
                body = digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
            }
        } else {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            body = mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        return v < 0 ? "-" + body : body;
    }
}
