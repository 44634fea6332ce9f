package dev.shootdown.lang;

/** A mistake of the user's that has no source position (a missing file, a bad option value). */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message, null, false, false);
    }
}
