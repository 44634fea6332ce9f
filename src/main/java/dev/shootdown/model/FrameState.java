package dev.shootdown.model;

/**
 * A physical frame's state, packed in an int: who owns it (free, an address space, the kernel) and
 * how its content relates to the copy on disk. The content version is kept as the one relation the
 * properties judge: whether the frame was written since the kernel last saved it.
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

    public static String describe(int frame, java.util.List<String> mmNames) {
        int o = owner(frame);
        String who = o == FREE ? "free" : o == KERNEL ? "kernel" : o - 1 < mmNames.size() ? mmNames.get(o - 1) : "?";
        return who + ((frame & SAVED) != 0 ? " saved" : "") + ((frame & MODIFIED) != 0 ? " modified" : "");
    }
}
