package io.github.shardingorm.routing;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The test statistics helper agrees with the printed chi-square table at p = 0.001. */
class ChiSquareTest {

    @ParameterizedTest(name = "df={0}")
    @CsvSource({"1, 10.828", "2, 13.816", "3, 16.266", "6, 22.458", "10, 29.588", "100, 149.449"})
    void criticalValue_matchesTheTableAtPOneInAThousand(int degreesOfFreedom, double tableValue) {
        assertEquals(tableValue, ChiSquare.criticalValue(degreesOfFreedom, 0.001), 0.001);
    }
}
