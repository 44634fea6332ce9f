public class Hot {
    static long mix(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }

    static long spin(long n) {
        long acc = 1;
        for (long i = 0; i < n; i++) {
            acc = mix(acc + i);
            if ((acc & 0xff) == 0x42) acc += 3;
        }
        return acc;
    }

    public static void main(String[] args) {
        long deadline = System.nanoTime() + (long) (Double.parseDouble(args.length > 0 ? args[0] : "2") * 1e9);
        long r = 0;
        while (System.nanoTime() < deadline) r += spin(1_000_000);
        System.out.println(r);
    }
}
