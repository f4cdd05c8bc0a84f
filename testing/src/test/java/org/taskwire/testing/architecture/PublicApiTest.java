package org.taskwire.testing.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Taskwire's public surface, as a user's class path (runtime, annotations, wrapper, testing kit)
 * holds it: the list of public types is committed in {@code api/public-types.txt}, so a new one
 * is a conscious decision, and no public member of a public type lets an internal type through.
 */
class PublicApiTest {
  private static final Path LIST = Path.of("..", "api", "public-types.txt");
  private static final JavaClasses CLASSES =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.taskwire");

  private static boolean internal(JavaClass c) {
    return c.getPackageName().contains(".internal");
  }

  /** Public, and reachable: a nested type counts only inside public types. */
  private static boolean published(JavaClass c) {
    for (JavaClass t = c; t != null; t = t.getEnclosingClass().orElse(null)) {
      if (!t.getModifiers().contains(JavaModifier.PUBLIC) || t.isAnonymousClass() || t.isLocalClass()) {
        return false;
      }
    }
    return !internal(c);
  }

  private static Stream<JavaClass> publicTypes() {
    return CLASSES.stream().filter(PublicApiTest::published);
  }

  @Test
  void thePublicTypesAreTheCommittedList() throws IOException {
    List<String> actual = publicTypes().map(JavaClass::getName).sorted().toList();
    List<String> committed = Files.readAllLines(LIST).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertThat(actual).as("public types; if a change is meant, update %s", LIST.normalize()).isEqualTo(committed);
  }

  @Test
  void noPublicMemberOfAPublicTypeExposesAnInternalType() {
    List<String> leaks = new ArrayList<>();
    publicTypes().forEach(type -> {
      for (JavaCodeUnit unit : type.getCodeUnits()) {
        if (!unit.getModifiers().contains(JavaModifier.PUBLIC) && !unit.getModifiers().contains(JavaModifier.PROTECTED)) {
          continue;
        }
        TreeSet<String> used = new TreeSet<>();
        unit.getRawParameterTypes().forEach(p -> used.add(p.getName()));
        used.add(unit.getRawReturnType().getName());
        used.stream().filter(n -> n.contains(".internal.")).forEach(n -> leaks.add(unit.getFullName() + " uses " + n));
      }
      for (JavaField field : type.getFields()) {
        if (field.getModifiers().contains(JavaModifier.PUBLIC) && field.getRawType().getName().contains(".internal.")) {
          leaks.add(field.getFullName() + " is a " + field.getRawType().getName());
        }
      }
    });
    assertThat(leaks).isEmpty();
  }
}
