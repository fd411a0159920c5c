package dev.poplar.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UserFileTest {
    @Test
    void parsesNamesAndPasswordsWithSpacesSkippingCommentsAndBlanks() throws AdminException {
        List<UserFile.Entry> e = UserFile.parse("# users\n\nAlice secret one\r\nbob\tpw\n");
        assertEquals(List.of(new UserFile.Entry("alice", "secret one"), new UserFile.Entry("bob", "pw")), e);
    }

    @Test
    void badLinesAreAllReportedWithoutPasswords() {
        AdminException e = assertThrows(
                AdminException.class, () -> UserFile.parse("ok pw\nnopassword\nbad!name hunter2\nok again\n"));
        assertTrue(e.getMessage().contains("line 2"));
        assertTrue(e.getMessage().contains("line 3"));
        assertTrue(e.getMessage().contains("line 4"), "duplicate user");
        assertFalse(e.getMessage().contains("hunter2"));
        assertEquals(AdminException.Kind.INVALID, e.kind());
    }
}
