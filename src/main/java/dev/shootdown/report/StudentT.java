package dev.shootdown.report;

/**
 * The two-sided 95% quantile of Student's t distribution, t(0.975, dof): what a 95% confidence
 * interval of a mean of N samples multiplies the standard error by, with dof = N - 1.
 */
final class StudentT {
    /**
     * t(0.975, dof) for dof 1..30, from the NIST/SEMATECH e-Handbook of Statistical Methods, 1.3.6.7.2
     * (Critical values of the Student's t distribution, column 0.025 upper tail).
     */
    private static final double[] TABLE = {
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
            2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

    /** The standard normal's 0.975 quantile. */
    private static final double Z = 1.959963984540054;

    private StudentT() {}

    static double quantile975(int dof) {
        if (dof < 1) {
            throw new IllegalArgumentException("a t quantile needs one degree of freedom or more, not " + dof);
        }
        if (dof <= TABLE.length) {
            return TABLE[dof - 1];
        }
        // Beyond the table, the Cornish-Fisher expansion of t in powers of 1/dof (Abramowitz and Stegun 26.7.5),
        // good to the table's three decimals from 30 degrees of freedom on.
        double v = dof;
        double z3 = Z * Z * Z;
        double z5 = z3 * Z * Z;
        double z7 = z5 * Z * Z;
        return Z + (z3 + Z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * Z) / (96 * v * v) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * Z) / (384 * v * v * v);
    }
}
