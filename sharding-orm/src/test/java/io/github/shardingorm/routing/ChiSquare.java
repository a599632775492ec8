package io.github.shardingorm.routing;

/**
 * Pearson's chi-square goodness-of-fit test for the distribution tests.
 *
 * <p>The critical value is computed, not looked up: it is the {@code x} at which the upper tail
 * {@code Q(df/2, x/2)} of the chi-square distribution (the regularized upper incomplete gamma
 * function, Numerical Recipes 6.2: series below {@code a+1}, continued fraction above) equals
 * {@code p}, found by bisection. {@code ChiSquareTest} checks it against the printed table
 * (e.g. df=1: 10.828, df=3: 16.266, df=6: 22.458 at p=0.001).
 */
final class ChiSquare {

    private ChiSquare() {
    }

    /** The statistic {@code sum((observed - expected)^2 / expected)}. */
    static double statistic(long[] observed, double[] expected) {
        double sum = 0;
        for (int i = 0; i < observed.length; i++) {
            double d = observed[i] - expected[i];
            sum += d * d / expected[i];
        }
        return sum;
    }

    /** The value a statistic with {@code degreesOfFreedom} exceeds with probability {@code p}. */
    static double criticalValue(int degreesOfFreedom, double p) {
        double low = 0;
        double high = degreesOfFreedom + 100.0 * Math.sqrt(2.0 * degreesOfFreedom) + 100;
        for (int i = 0; i < 200; i++) {
            double mid = (low + high) / 2;
            if (upperTail(degreesOfFreedom, mid) > p) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return (low + high) / 2;
    }

    /** P(X > x) for X chi-square distributed with {@code degreesOfFreedom}. */
    static double upperTail(int degreesOfFreedom, double x) {
        return regularizedUpperGamma(degreesOfFreedom / 2.0, x / 2.0);
    }

    private static double regularizedUpperGamma(double a, double x) {
        if (x <= 0) {
            return 1;
        }
        if (x < a + 1) {
            // series for P(a, x)
            double term = 1 / a;
            double sum = term;
            for (int n = 1; n < 100_000; n++) {
                term *= x / (a + n);
                sum += term;
                if (Math.abs(term) < Math.abs(sum) * 1e-15) {
                    break;
                }
            }
            return 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
        }
        // continued fraction for Q(a, x), modified Lentz
        double tiny = 1e-300;
        double b = x + 1 - a;
        double c = 1 / tiny;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 100_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < tiny) {
                d = tiny;
            }
            c = b + an / c;
            if (Math.abs(c) < tiny) {
                c = tiny;
            }
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-15) {
                break;
            }
        }
        return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
    }

    /** Lanczos approximation (g=7, n=9), accurate to ~1e-15 for a > 0. */
    private static double logGamma(double a) {
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                1.5056327351493116e-7};
        double x = a - 1;
        double sum = c[0];
        for (int i = 1; i < 9; i++) {
            sum += c[i] / (x + i);
        }
        double t = x + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
