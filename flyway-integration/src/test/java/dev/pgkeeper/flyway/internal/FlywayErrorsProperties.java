package dev.pgkeeper.flyway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCategorizer;
import dev.pgkeeper.ErrorCode;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.output.ValidateOutput;

/**
 * The translation rule for generated failures: pgkeeper's code passes through when the database or the connection is
 * at fault, everything else is SCHEMA_ERROR, and the migration concerned is always named.
 */
class FlywayErrorsProperties {

    private static final String LOCATIONS = "filesystem:/srv/migrations";

    @Provide
    Arbitrary<String> sqlStates() {
        // Real classes (28 auth, 08 connection, 42 syntax/privilege, 23 constraints, 22 data, 40 serialization,
        // 57 operator intervention, 53 resources, 3D missing database) and arbitrary ones.
        Arbitrary<String> known = Arbitraries.of("28P01", "28000", "08001", "08006", "42601", "42P01", "42501",
                "23505", "23503", "22P02", "40001", "40P01", "57014", "57P01", "53300", "3D000", "25006", "XX000");
        Arbitrary<String> any = Arbitraries.strings().withChars("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ").ofLength(5);
        return Arbitraries.oneOf(known, any);
    }

    @Provide
    Arbitrary<String> versions() {
        return Arbitraries.integers().between(1, 9999).list().ofMinSize(1).ofMaxSize(3)
                .map(parts -> String.join(".", parts.stream().map(String::valueOf).toList()));
    }

    @Provide
    Arbitrary<List<ValidateOutput>> invalidMigrations() {
        Arbitrary<CoreErrorCode> codes = Arbitraries.of(CoreErrorCode.CHECKSUM_MISMATCH, CoreErrorCode.DESCRIPTION_MISMATCH,
                CoreErrorCode.TYPE_MISMATCH, CoreErrorCode.APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED,
                CoreErrorCode.RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED, CoreErrorCode.FAILED_VERSIONED_MIGRATION,
                CoreErrorCode.VALIDATE_ERROR);
        Arbitrary<String> words = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12);
        return Combinators.combine(versions(), words, codes).as((version, word, code) ->
                FlywayExceptions.invalid(version, "db/V" + version.replace('.', '_') + "__" + word + ".sql", code))
                .list().ofMinSize(1).ofMaxSize(5);
    }

    @Property(tries = 1000)
    void aFailureReachingTheDatabaseKeepsPgkeepersCodeOrBecomesSchemaError(@ForAll("sqlStates") String sqlState) {
        DatabaseError direct = ErrorCategorizer.categorize(new SQLException("failed", sqlState));

        DatabaseError e = FlywayErrors.translate(FlywayExceptions.sql(sqlState, "failed"), ErrorCategorizer::categorize,
                LOCATIONS, FlywayExceptions::none);

        assertThat(e.code()).isEqualTo(FlywayErrors.passesThrough(direct.code()) ? direct.code() : ErrorCode.SCHEMA_ERROR);
        assertThat(e.code()).isNotEqualTo(ErrorCode.UNKNOWN_ERROR);
    }

    @Property(tries = 1000)
    void aFailedMigrationIsNamedWhateverItsCode(@ForAll("sqlStates") String sqlState, @ForAll("versions") String version) {
        String script = "V" + version.replace('.', '_') + "__change.sql";
        DatabaseError direct = ErrorCategorizer.categorize(new SQLException("boom", sqlState));

        DatabaseError e = FlywayErrors.translate(
                FlywayExceptions.migrationFailed(version, script, new SQLException("boom", sqlState)),
                ErrorCategorizer::categorize, LOCATIONS, FlywayExceptions::none);

        String name = "V" + version + " (" + script + ")";
        assertThat(e.code()).isEqualTo(FlywayErrors.passesThrough(direct.code()) ? direct.code() : ErrorCode.SCHEMA_ERROR);
        assertThat(e.getMessage()).contains(name);
        assertThat(e.context()).containsEntry(FlywayErrors.MIGRATION, name);
        assertThat(e.troubleshootingSteps()).isNotEmpty();
        if (e.code() == ErrorCode.SCHEMA_ERROR) {
            assertThat(e.troubleshootingSteps().get(0)).contains(name).contains(LOCATIONS);
        }
    }

    @Property(tries = 300)
    void invalidMigrationsAreASchemaErrorNamingEachOfThem(
            @ForAll("invalidMigrations") List<ValidateOutput> invalid) {
        DatabaseError e = FlywayErrors.translate(FlywayExceptions.validation("Validate failed"),
                ErrorCategorizer::categorize, LOCATIONS, () -> invalid);

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(e.isTemporary()).isFalse();
        for (ValidateOutput output : invalid) {
            String file = output.filepath.substring(output.filepath.lastIndexOf('/') + 1);
            String name = "V" + output.version + " (" + file + ")";
            assertThat(e.getMessage()).contains(name);
            assertThat(e.context().get(FlywayErrors.MIGRATION)).contains(name);
            assertThat(e.troubleshootingSteps()).anySatisfy(step -> assertThat(step).contains(name));
        }
    }

    @Property(tries = 200)
    void everyCodeEitherPassesThroughOrIsAMigrationFault(@ForAll ErrorCode code) {
        DatabaseError e = FlywayErrors.translate(FlywayExceptions.validation("x"),
                t -> new DatabaseError(code, "categorized", List.of("step"), Map.of(), t), LOCATIONS,
                FlywayExceptions::none);

        assertThat(e.code()).isEqualTo(FlywayErrors.passesThrough(code) ? code : ErrorCode.SCHEMA_ERROR);
    }
}
