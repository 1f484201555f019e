// Test entry (test.html → dist-test/): the fake engine first, then the real app.
import "./install";
import "../main";
