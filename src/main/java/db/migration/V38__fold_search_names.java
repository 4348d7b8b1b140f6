package db.migration;

import io.patron.members.internal.MemberRules;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The admin's search compares names without diacritics from now on ("turcanu" finds "Țurcanu"): the
 * search columns of members whose names have letters beyond ASCII are written again, folded as new
 * names are. The rest are unchanged (lower case was already all the folding they need).
 */
public class V38__fold_search_names extends BaseJavaMigration {

    private static final int BATCH = 1_000;

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement select = context.getConnection().createStatement();
             PreparedStatement update = context.getConnection().prepareStatement(
                     "UPDATE members SET search_name = ?, search_name_rev = ? WHERE id = ?")) {
            select.setFetchSize(BATCH);
            int pending = 0;
            try (ResultSet rs = select.executeQuery(
                    "SELECT id, search_name, search_name_rev FROM members WHERE search_name IS NOT NULL")) {
                while (rs.next()) {
                    String name = rs.getString(2);
                    String reversed = rs.getString(3);
                    String folded = MemberRules.fold(name);
                    String foldedReversed = reversed == null ? null : MemberRules.fold(reversed);
                    if (folded.equals(name) && (reversed == null || foldedReversed.equals(reversed))) {
                        continue;
                    }
                    update.setString(1, folded);
                    update.setString(2, foldedReversed);
                    update.setLong(3, rs.getLong(1));
                    update.addBatch();
                    if (++pending == BATCH) {
                        update.executeBatch();
                        pending = 0;
                    }
                }
            }
            if (pending > 0) {
                update.executeBatch();
            }
        }
    }
}
