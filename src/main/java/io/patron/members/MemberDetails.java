package io.patron.members;

import java.time.LocalDate;
import java.util.List;

/**
 * The fields of a member as a client sends them, before normalisation and checks: used for enrolment
 * (all channels, including CSV import) and for updates. {@code null} means "not given".
 */
public record MemberDetails(String cardNumber, String externalId, String phone, String email, String firstName,
                            String lastName, LocalDate birthDate, String language, List<String> categories,
                            Boolean emailMarketing, String referralCode, Boolean smsMarketing) {

    public MemberDetails(String cardNumber, String externalId, String phone, String email, String firstName, String lastName,
                         LocalDate birthDate, String language, List<String> categories, Boolean emailMarketing, String referralCode) {
        this(cardNumber, externalId, phone, email, firstName, lastName, birthDate, language, categories, emailMarketing, referralCode, null);
    }

    /** Field length limits; every text field of a member has one. */
    public static final int NAME_MAX = 100;
    public static final int EXTERNAL_ID_MAX = 64;
    public static final int EMAIL_MAX = 254;
    public static final int PHONE_MAX = 32;
}
