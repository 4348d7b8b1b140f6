package io.patron.security.internal;

import io.patron.common.Caller;
import io.patron.security.AdminUser;
import io.patron.security.AdminUsers;
import java.util.Collection;
import java.util.List;
import org.springframework.security.core.CredentialsContainer;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * A logged-in admin as Spring Security sees it, carrying Patron's {@link Caller.Admin} and the session
 * version the sign-in was made under. The password hash is needed only while the password is
 * checked; Spring Security erases it after a successful sign-in, so the session never stores it.
 */
final class AdminUserDetails implements UserDetails, CredentialsContainer, Caller.Carrier {

    private final AdminUser user;
    private final int sessionVersion;
    private String passwordHash;

    AdminUserDetails(AdminUser user, String passwordHash, int sessionVersion) {
        this.user = user;
        this.passwordHash = passwordHash;
        this.sessionVersion = sessionVersion;
    }

    static List<GrantedAuthority> authorities(Collection<String> roles) {
        return roles.stream().map(r -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + r)).toList();
    }

    AdminUser user() {
        return user;
    }

    int sessionVersion() {
        return sessionVersion;
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
    public void eraseCredentials() {
        passwordHash = null;
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
