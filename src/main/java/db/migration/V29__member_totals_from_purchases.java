package db.migration;

import io.patron.checkout.internal.MemberTotalsRebuild;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Fills the member totals of V28 from the purchases recorded so far, with months cut in the active
 * programme's time zone. A new installation has neither purchases nor a programme yet: nothing to do
 * (the zone is noted when a programme is first activated).
 */
public class V29__member_totals_from_purchases extends BaseJavaMigration {

    private static final Pattern TIME_ZONE = Pattern.compile("\"timeZone\"\\s*:\\s*\"([^\"]+)\"");

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement st = context.getConnection().createStatement();
             ResultSet rs = st.executeQuery("SELECT document FROM program_versions WHERE status = 'ACTIVE'")) {
            if (!rs.next()) {
                return;
            }
            Matcher zone = TIME_ZONE.matcher(rs.getString(1));
            MemberTotalsRebuild.rebuild(context.getConnection(), ZoneId.of(zone.find() ? zone.group(1) : "UTC"));
        }
    }
}
