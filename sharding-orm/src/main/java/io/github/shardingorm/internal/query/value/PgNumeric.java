package io.github.shardingorm.internal.query.value;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * PostgreSQL's {@code numeric} arithmetic where it is not plain {@link BigDecimal} arithmetic: the
 * scale of a quotient, and the text form in which a shard hands a numeric over exactly.
 *
 * <p>PostgreSQL divides numerics (and so computes every {@code avg} of an integer or numeric
 * column: sum over count) to the scale {@code select_div_scale} picks (src/backend/utils/adt/numeric.c):
 * at least 16 significant digits, estimated from the weights and first digits of both operands in
 * base 10000, never below either operand's display scale, at most 1000, rounded half away from
 * zero. Two equal rationals can thus be different numerics (350000000/3 = 116666666.666666666667,
 * 700000000/6 = 116666666.66666667), and PostgreSQL orders and compares them as such: the merge
 * must compute the same numerics to order merged averages as one database does.
 */
public final class PgNumeric {

    private static final int MIN_SIG_DIGITS = 16;
    private static final int DEC_DIGITS = 4;
    private static final int MAX_DISPLAY_SCALE = 1000;

    private PgNumeric() {
    }

    /** {@code dividend / divisor} as PostgreSQL's numeric division computes it. @throws ArithmeticException on a zero divisor */
    public static BigDecimal divide(BigDecimal dividend, BigDecimal divisor) {
        if (divisor.signum() == 0) {
            throw new ArithmeticException("division by zero");
        }
        return dividend.divide(divisor, divisionScale(dividend, divisor), RoundingMode.HALF_UP);
    }

    /** The scale of a numeric quotient (PostgreSQL's select_div_scale). */
    public static int divisionScale(BigDecimal dividend, BigDecimal divisor) {
        int qweight = weight(dividend) - weight(divisor);
        if (firstDigit(dividend) <= firstDigit(divisor)) {
            qweight--;
        }
        int rscale = MIN_SIG_DIGITS - qweight * DEC_DIGITS;
        rscale = Math.max(rscale, displayScale(dividend));
        rscale = Math.max(rscale, displayScale(divisor));
        rscale = Math.max(rscale, 0);
        return Math.min(rscale, MAX_DISPLAY_SCALE);
    }

    /** The display scale of a numeric held as a BigDecimal: its scale (a numeric has none below 0). */
    private static int displayScale(BigDecimal x) {
        return Math.max(0, x.scale());
    }

    /** The weight of the first non-zero base-10000 digit (0 for zero): |x| = d * 10000^weight + ..., 1 <= d <= 9999. */
    private static int weight(BigDecimal x) {
        if (x.signum() == 0) {
            return 0;
        }
        int exponent = x.precision() - x.scale() - 1; // floor(log10 |x|)
        return Math.floorDiv(exponent, DEC_DIGITS);
    }

    /** The first non-zero base-10000 digit of |x| (0 for zero). */
    private static int firstDigit(BigDecimal x) {
        if (x.signum() == 0) {
            return 0;
        }
        return x.abs().movePointLeft(DEC_DIGITS * weight(x)).intValue();
    }

    /**
     * A numeric from its PostgreSQL text form ({@code cast(x as varchar)}): a BigDecimal, or the
     * Double NaN/infinity for the special values (NaN sorts above every number, as in PostgreSQL).
     */
    public static Number parse(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> new BigDecimal(text);
        };
    }
}
