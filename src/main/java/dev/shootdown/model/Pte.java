package dev.shootdown.model;

/**
 * Bit encoding shared by page-table entries and TLB entries (a TLB entry is a snapshot of the PTE
 * it was filled from: present, writable, dirty and the frame). Intel SDM vol. 3A 4.5: P, R/W, A, D.
 */
public final class Pte {
    public static final int PRESENT = 1;
    public static final int WRITABLE = 1 << 1;
    public static final int ACCESSED = 1 << 2;
    public static final int DIRTY = 1 << 3;
    private static final int PFN_SHIFT = 8;

    private Pte() {}

    public enum Field { PRESENT, WRITABLE, ACCESSED, DIRTY, PFN }

    public static int make(int frame, boolean writable) {
        return (frame << PFN_SHIFT) | PRESENT | (writable ? WRITABLE : 0);
    }

    public static int pfn(int pte) {
        return pte >>> PFN_SHIFT;
    }

    public static boolean present(int pte) {
        return (pte & PRESENT) != 0;
    }

    public static boolean writable(int pte) {
        return (pte & WRITABLE) != 0;
    }

    public static boolean dirty(int pte) {
        return (pte & DIRTY) != 0;
    }

    public static boolean accessed(int pte) {
        return (pte & ACCESSED) != 0;
    }

    public static int field(Field f, int pte) {
        return switch (f) {
            case PRESENT -> pte & PRESENT;
            case WRITABLE -> (pte >> 1) & 1;
            case ACCESSED -> (pte >> 2) & 1;
            case DIRTY -> (pte >> 3) & 1;
            case PFN -> pfn(pte);
        };
    }

    /** A short human form: "f W D" or "none". */
    public static String describe(int pte, java.util.List<String> frameNames) {
        if (pte == 0) {
            return "none";
        }
        if (!present(pte)) {
            // A non-present PTE's frame field means nothing to the walker: show only the stray bits.
            return "not present" + (dirty(pte) ? " (D set)" : "") + (accessed(pte) ? " (A set)" : "");
        }
        int pfn = pfn(pte);
        StringBuilder b = new StringBuilder(pfn < frameNames.size() ? frameNames.get(pfn) : "#" + pfn);
        b.append(writable(pte) ? " RW" : " RO");
        if (accessed(pte)) {
            b.append(" A");
        }
        if (dirty(pte)) {
            b.append(" D");
        }
        return b.toString();
    }
}
