package io.patron.common;

import java.util.Set;

/**
 * Who is making the current request. A till acts for exactly one store; an admin user acts with
 * its roles; a member only ever on their own data.
 */
public sealed interface Caller extends java.io.Serializable {

    String displayName();

    record Till(long tillId, long storeId, String tillName) implements Caller {
        @Override
        public String displayName() {
            return "till:" + tillId;
        }
    }

    record Admin(long userId, String username, Set<String> roles, Language language) implements Caller {
        public Admin {
            roles = Set.copyOf(roles);
        }

        @Override
        public String displayName() {
            return username;
        }

        public boolean hasRole(String role) {
            return roles.contains(role);
        }
    }

    record Member(long memberId, Language language) implements Caller {
        @Override
        public String displayName() {
            return "member:" + memberId;
        }
    }

    /**
     * A partner of the coalition: its API key ({@code user} null) or one of its people signed in to the
     * partner portal. Acts only on the partner's own receipts, returns and statements.
     */
    record Partner(long partnerId, String partnerCode, String user) implements Caller {
        @Override
        public String displayName() {
            return "partner:" + partnerCode + (user == null ? "" : ":" + user);
        }
    }

    record System(String job) implements Caller {
        @Override
        public String displayName() {
            return "system:" + job;
        }
    }

    /** Implemented by authentication principals that stand for a caller (e.g. a logged-in admin). */
    interface Carrier {
        Caller caller();
    }
}
