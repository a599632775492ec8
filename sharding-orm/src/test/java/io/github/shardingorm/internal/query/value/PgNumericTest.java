package io.github.shardingorm.internal.query.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PgNumericTest {

    /**
     * Dividend, divisor and the quotient PostgreSQL 15.20 printed for {@code select x::numeric / y}
     * (psql; the literals as written here, so {@code 10.00} has display scale 2).
     */
    private static final String[][] PG = {
            {"350000000", "3", "116666666.666666666667"},
            {"700000000", "6", "116666666.66666667"},
            {"1", "3", "0.33333333333333333333"},
            {"2", "3", "0.66666666666666666667"},
            {"10.00", "3", "3.3333333333333333"},
            {"0", "5", "0.00000000000000000000"},
            {"-7", "2", "-3.5000000000000000"},
            {"0.00012", "7", "0.000017142857142857142857"},
            {"123456789012345678901234567890", "7", "17636684144620811271604938270"},
            {"1.5", "0.0003", "5000.0000000000000000"},
            {"99999", "10000", "9.9999000000000000"},
            {"10000", "9999", "1.0001000100010001"},
            {"9999", "10000", "0.99990000000000000000"},
            {"5", "2", "2.5000000000000000"},
            {"-5", "3", "-1.6666666666666667"},
            {"1", "6", "0.16666666666666666667"},
            {"2.675", "1", "2.6750000000000000"},
            {"7.00", "8", "0.87500000000000000000"},
            {"12345.678", "0.000001", "12345678000.00000000"},
            {"1", "3000000000000", "0.00000000000033333333333333333333"},
    };

    @Test
    void quotientsHavePostgresqlsScaleAndRounding() {
        for (String[] c : PG) {
            BigDecimal q = PgNumeric.divide(new BigDecimal(c[0]), new BigDecimal(c[1]));
            assertEquals(c[2], q.toPlainString(), c[0] + " / " + c[1]);
        }
    }

    @Test
    void equalRationalsAreDifferentNumericsThatOneDoubleCannotTellApart() {
        BigDecimal three = PgNumeric.divide(new BigDecimal(350000000), BigDecimal.valueOf(3));
        BigDecimal six = PgNumeric.divide(new BigDecimal(700000000), BigDecimal.valueOf(6));
        assertTrue(three.compareTo(six) < 0, "PostgreSQL: 350000000/3 < 700000000/6");
        assertEquals(three.doubleValue(), six.doubleValue());
    }

    @Test
    void numericTextParsesExactlyAndSpecialValuesAsDoubles() {
        assertEquals(new BigDecimal("116666666.666666666667"), PgNumeric.parse("116666666.666666666667"));
        assertTrue(Double.isNaN(PgNumeric.parse("NaN").doubleValue()));
        assertEquals(Double.NEGATIVE_INFINITY, PgNumeric.parse("-Infinity"));
        assertThrows(ArithmeticException.class, () -> PgNumeric.divide(BigDecimal.ONE, new BigDecimal("0.00")));
    }
}
