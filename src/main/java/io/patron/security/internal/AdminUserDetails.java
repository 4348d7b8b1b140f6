package io.patron.security.internal;

import io.patron.common.Caller;
import io.patron.security.AdminUser;
import io.patron.security.AdminUsers;
import java.util.Collection;
import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/** A logged-in admin as Spring Security sees it, carrying Patron's {@link Caller.Admin}. */
record AdminUserDetails(AdminUser user, String passwordHash) implements UserDetails, Caller.Carrier {

    static List<GrantedAuthority> authorities(Collection<String> roles) {
        return roles.stream().map(r -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + r)).toList();
    }

    @Override
    public Caller caller() {
        return AdminUsers.caller(user);
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return authorities(user.roles().stream().map(Enum::name).toList());
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return user.username();
    }

    @Override
    public boolean isEnabled() {
        return user.enabled();
    }

    @Override
    public String toString() {
        return "AdminUserDetails[" + user.username() + "]";
    }
}
