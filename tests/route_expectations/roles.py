"""Roles of the route matrix (tests/test_route_matrix.py) and the usual audiences."""

LOGGED = {"admin", "coordinator", "other_coordinator", "referent1", "referent2", "outsider", "observer", "relay"}
EVERYONE = LOGGED | {"anonymous"}
#: the other coordinator belongs to the town, a party to the agreement: reading is allowed, managing is not
READERS = {"admin", "observer", "coordinator", "other_coordinator", "referent1", "referent2"}
COORD = {"coordinator"}
#: the coordination and the owner: referent1's organisation (hp1) owns the sample records
OWNER = {"coordinator", "referent1"}
ADMIN = {"admin"}
#: coordinators and referents of organisations party to the agreement
CONTRIBUTORS = {"coordinator", "referent1", "referent2"}
