package dev.pgkeeper.mybatis.bookshop.model;

/** A row of {@code customers}; {@code full_name} maps to {@code fullName} by mapUnderscoreToCamelCase. */
public class Customer {
    private Long id;
    private String email;
    private String fullName;
    private String tier;

    public Customer() {
    }

    public Customer(String email, String fullName, String tier) {
        this.email = email;
        this.fullName = fullName;
        this.tier = tier;
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    public String getFullName() {
        return fullName;
    }

    public void setFullName(String fullName) {
        this.fullName = fullName;
    }

    public String getTier() {
        return tier;
    }

    public void setTier(String tier) {
        this.tier = tier;
    }
}
