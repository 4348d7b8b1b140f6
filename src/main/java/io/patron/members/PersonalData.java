package io.patron.members;

import java.util.Map;

/**
 * Implemented by every module that holds personal data about members, so that a GDPR export gathers
 * everything and an erasure removes it everywhere, in the same transaction as the member's own.
 */
public interface PersonalData {

    /** A name for this module's section of the export. */
    String section();

    /** Everything this module holds about the member, as JSON-ready values. */
    Object export(MemberId member);

    /** Removes or anonymises the member's personal data; records needed for the ledger stay. */
    void erase(MemberId member);

    static Map<String, Object> section(String name, Object data) {
        return Map.of(name, data);
    }
}
