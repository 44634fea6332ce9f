package dev.shootdown.model;

/**
 * A physical frame's state, packed in an int: who owns it (free, an address space, the kernel) and
 * how its content relates to the copy on disk: whether the frame was written since the kernel last
 * saved it. The address space named here is the frame's first owner; a frame mapped by pages of
 * several address spaces (fork, a shared file page) names the others in a word of its own, a mask
 * of address spaces ({@link #sharedBy}).
 */
public final class FrameState {
    public static final int FREE = 0;
    public static final int KERNEL = 0xff;
    private static final int OWNER_MASK = 0xff;
    /** The disk copy is what the kernel will use: set by {@code saved} pages and by writeback. */
    public static final int SAVED = 1 << 8;
    /** Written since the last save. */
    public static final int MODIFIED = 1 << 9;

    private FrameState() {}

    public static int mmOwner(int mm) {
        return mm + 1;
    }

    public static int owned(int mm, boolean saved) {
        return mmOwner(mm) | (saved ? SAVED : 0);
    }

    public static int owner(int frame) {
        return frame & OWNER_MASK;
    }

    public static boolean isFree(int frame) {
        return owner(frame) == FREE;
    }

    public static int withOwner(int frame, int owner) {
        return (frame & ~OWNER_MASK) | owner;
    }

    /** Address spaces a frame can be shared by: those whose index fits the mask word ({@link #sharedBy}). */
    public static final int MAX_SHARERS = 31;

    /** Whether a frame of state {@code frame}, shared by the mask {@code sharers} of further address spaces, belongs to {@code mm}. */
    public static boolean ownedBy(int frame, int sharers, int mm) {
        return owner(frame) == mmOwner(mm) || mm < MAX_SHARERS && (sharers >>> mm & 1) != 0;
    }

    /** The mask word's bit for address space {@code mm}: 0 for an address space that cannot share. */
    public static int sharedBy(int mm) {
        return mm < MAX_SHARERS ? 1 << mm : 0;
    }

    public static String describe(int frame, java.util.List<String> mmNames) {
        return describe(frame, 0, mmNames);
    }

    /** The state in words: its owners (the first, then those of the mask {@code sharers}), saved, modified. */
    public static String describe(int frame, int sharers, java.util.List<String> mmNames) {
        int o = owner(frame);
        StringBuilder who = new StringBuilder(o == FREE ? "free" : o == KERNEL ? "kernel" : o - 1 < mmNames.size() ? mmNames.get(o - 1) : "?");
        for (int mm = 0; mm < Math.min(MAX_SHARERS, mmNames.size()); mm++) {
            if ((sharers >>> mm & 1) != 0 && o != mmOwner(mm)) {
                who.append(", ").append(mmNames.get(mm));
            }
        }
        return who + ((frame & SAVED) != 0 ? " saved" : "") + ((frame & MODIFIED) != 0 ? " modified" : "");
    }
}
