package io.github.shardingorm.internal.saga;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import org.hibernate.Session;

/**
 * The per-shard fence {@code shorm_saga_step(saga_id, step, kind)}, written in the SAME
 * transaction as the step's (or compensation's) effect. Its primary key serializes a step and its
 * compensation: whichever inserts first wins, the other waits for it to commit and then sees it.
 * <ul>
 *   <li>step: insert {@code done}; a conflict with {@code done} means already applied (skip), with
 *       {@code compensated} means compensated before it ran (the step must not run);</li>
 *   <li>compensation: insert {@code compensated}; success means the step never ran (a recorded
 *       no-op that blocks the step if it arrives late); else flip {@code done} to
 *       {@code compensated} and undo, or find it already compensated (skip).</li>
 * </ul>
 */
final class StepFence {

    enum StepEntry { RUN, ALREADY_DONE, BLOCKED }

    enum CompensationEntry { UNDO, NEVER_RAN, ALREADY_COMPENSATED }

    private StepFence() {
    }

    static StepEntry enterStep(Session session, UUID sagaId, int step) {
        return session.doReturningWork(c -> {
            if (insert(c, sagaId, step, "done")) {
                return StepEntry.RUN;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT kind FROM shorm_saga_step WHERE saga_id = ? AND step = ?")) {
                ps.setObject(1, sagaId);
                ps.setInt(2, step);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return "done".equals(rs.getString(1)) ? StepEntry.ALREADY_DONE : StepEntry.BLOCKED;
                }
            }
        });
    }

    static CompensationEntry enterCompensation(Session session, UUID sagaId, int step) {
        return session.doReturningWork(c -> {
            if (insert(c, sagaId, step, "compensated")) {
                return CompensationEntry.NEVER_RAN;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE shorm_saga_step SET kind = 'compensated', recorded_at = CURRENT_TIMESTAMP"
                    + " WHERE saga_id = ? AND step = ? AND kind = 'done'")) {
                ps.setObject(1, sagaId);
                ps.setInt(2, step);
                return ps.executeUpdate() == 1 ? CompensationEntry.UNDO : CompensationEntry.ALREADY_COMPENSATED;
            }
        });
    }

    private static boolean insert(java.sql.Connection c, UUID sagaId, int step, String kind) throws java.sql.SQLException {
        if (LogSql.isPostgres(c)) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO shorm_saga_step (saga_id, step, kind) VALUES (?, ?, ?)"
                    + " ON CONFLICT (saga_id, step) DO NOTHING")) {
                ps.setObject(1, sagaId);
                ps.setInt(2, step);
                ps.setString(3, kind);
                return ps.executeUpdate() == 1;
            }
        }
        // Elsewhere: insert unless present. Two racing inserts still cannot both win: the primary
        // key rejects the second, whose transaction then fails and is retried.
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO shorm_saga_step (saga_id, step, kind) SELECT ?, ?, ?"
                + " WHERE NOT EXISTS (SELECT 1 FROM shorm_saga_step WHERE saga_id = ? AND step = ?)")) {
            ps.setObject(1, sagaId);
            ps.setInt(2, step);
            ps.setString(3, kind);
            ps.setObject(4, sagaId);
            ps.setInt(5, step);
            return ps.executeUpdate() == 1;
        }
    }
}
