package io.patron.members;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.common.ProblemException;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class MemberImportTest extends IntegrationTest {

    @Autowired
    MemberImport memberImport;

    @Autowired
    Members members;

    private ImportReport run(String csv) throws IOException {
        List<Long> progress = new ArrayList<>();
        ImportReport report = memberImport.importCsv(new StringReader(csv), null, progress::add);
        assertThat(progress).isNotEmpty();
        return report;
    }

    @Test
    void goodRowsAreImportedAndEveryBadRowIsReportedWithItsLineAndReason() throws IOException {
        String a = TestData.email(), b = TestData.email(), c = TestData.email();
        String phone = TestData.phone();
        String csv = """
                email,firstName,lastName,phone,birthDate,language,categories,emailMarketing
                %s,Anna,Ivanova,%s,1958-03-14,ru,PENSIONER;VETERAN,true
                %s,Ion,Popescu,,,ro,,no
                not-an-email,X,Y,,,,,
                %s,Dup,Licate,,,,,
                %s,Bad,Date,,14.03.1958,,,
                %s,Bad,Phone,12,,,,
                %s,Too,Few
                """.formatted(a, phone, b, a, c, TestData.email(), TestData.email());
        ImportReport report = run(csv);
        assertThat(report.rowsRead()).isEqualTo(7);
        assertThat(report.imported()).isEqualTo(2);
        assertThat(report.rejected()).isEqualTo(5);
        assertThat(report.rejections()).extracting(ImportReport.Rejection::line).containsExactlyInAnyOrder(4L, 5L, 6L, 7L, 8L);
        assertThat(report.rejections()).anySatisfy(r -> assertThat(r.reason()).contains("duplicate"));
        assertThat(report.rejections()).anySatisfy(r -> assertThat(r.reason()).contains("birthDate"));
        assertThat(report.rejections()).anySatisfy(r -> assertThat(r.reason()).contains("wrong number of fields"));

        Member anna = members.findByEmail(a).orElseThrow();
        assertThat(anna.phone()).isEqualTo(phone);
        assertThat(anna.categories()).containsExactlyInAnyOrder(MemberCategory.PENSIONER, MemberCategory.VETERAN);
        assertThat(anna.emailConsent().granted()).isTrue();
        assertThat(anna.emailConsent().source()).isEqualTo(EnrolmentChannel.IMPORT);
        assertThat(anna.channel()).isEqualTo(EnrolmentChannel.IMPORT);
        assertThat(members.primaryCard(anna.id())).isPresent();
        assertThat(members.findByEmail(c)).isEmpty();
    }

    @Test
    void importingTheSameFileAgainChangesNothing() throws IOException {
        String csv = "externalId,email\n" + TestData.externalId() + "," + TestData.email() + "\n"
                + TestData.externalId() + "," + TestData.email() + "\n";
        long before = members.count();
        assertThat(run(csv).imported()).isEqualTo(2);
        ImportReport again = run(csv);
        assertThat(again.imported()).isZero();
        assertThat(again.rejected()).isEqualTo(2);
        assertThat(members.count()).isEqualTo(before + 2);
    }

    @Test
    void manyRowsGoInBatchesWithDistinctValidCards() throws IOException {
        StringBuilder csv = new StringBuilder("externalId,firstName\n");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            String id = TestData.externalId();
            ids.add(id);
            csv.append(id).append(",Bulk").append(i).append('\n');
        }
        ImportReport report = run(csv.toString());
        assertThat(report.imported()).isEqualTo(2_500);
        Member first = members.findByExternalId(ids.getFirst()).orElseThrow();
        Member last = members.findByExternalId(ids.getLast()).orElseThrow();
        assertThat(members.primaryCard(first.id()).orElseThrow().number())
                .isNotEqualTo(members.primaryCard(last.id()).orElseThrow().number());
        assertThat(first.referralCode()).isNotEqualTo(last.referralCode());
    }

    @Test
    void aFileWithUnknownColumnsIsRefusedAsAWhole() {
        assertThatThrownBy(() -> run("email,shoeSize\na@b.org,42\n")).isInstanceOf(ProblemException.class)
                .hasMessageContaining("invalid");
        assertThatThrownBy(() -> run("")).isInstanceOf(ProblemException.class);
    }
}
