package dev.shootdown.model;

/**
 * The pages a range flush covers: {@code flush_tlb_range(start, end)} names the first and the last page
 * of a range of one address space, in address order (each page's virtual address, {@link Program#pageVa}),
 * both included, as Linux's {@code flush_tlb_mm_range(mm, start, end, ...)} names addresses. A range of
 * more than {@link Hardware#flushCeiling} pages is flushed whole instead (arch/x86/mm/tlb.c: "(end - start)
 * >> stride_shift > tlb_single_page_flush_ceiling" turns the flush into TLB_FLUSH_ALL).
 */
final class PageRanges {
    private final int[] pageMm;
    /** Per mm, its pages in address order. */
    private final int[][] byVa;
    /** Per page, its place in its mm's {@link #byVa}. */
    private final int[] place;
    private final int ceiling;

    PageRanges(Program program) {
        this.pageMm = program.pageMm();
        this.ceiling = program.hardware().flushCeiling();
        int[] va = program.pageVa();
        int mms = program.mmNames().size();
        this.byVa = new int[mms][];
        this.place = new int[pageMm.length];
        for (int mm = 0; mm < mms; mm++) {
            int m = mm;
            byVa[mm] = java.util.stream.IntStream.range(0, pageMm.length).filter(p -> pageMm[p] == m).boxed()
                    .sorted(java.util.Comparator.comparingInt(p -> va[p])).mapToInt(Integer::intValue).toArray();
            for (int i = 0; i < byVa[mm].length; i++) {
                place[byVa[mm][i]] = i;
            }
        }
    }

    /** Why {@code start} to {@code end} is no range (pages of two address spaces, or the end below the start), or null. */
    String invalid(int start, int end, Names names) {
        if (pageMm[start] != pageMm[end]) {
            return names.page(start) + " and " + names.page(end) + " are pages of two address spaces";
        }
        return place[end] < place[start] ? names.page(end) + " is below " + names.page(start) : null;
    }

    /** How many pages the range covers (a valid one). */
    int count(int start, int end) {
        return place[end] - place[start] + 1;
    }

    /** The {@code i}-th page of the range from {@code start}. */
    int page(int start, int i) {
        return byVa[pageMm[start]][place[start] + i];
    }

    /** Whether the range is longer than the ceiling, so the flush is one of the whole address space. */
    boolean whole(int start, int end) {
        return count(start, end) > ceiling;
    }

    /** The pages of address space {@code mm}, in address order. */
    int[] of(int mm) {
        return byVa[mm];
    }

    int ceiling() {
        return ceiling;
    }
}
