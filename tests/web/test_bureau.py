"""The bureau administrator's page: units, people (with the password rules), notices; only for the
administrator, and only within their bureau."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from jixiao.web.orgs.models import Membership, Notice, Unit


def test_only_the_administrator_opens_it(world, client_for):
    for user in (world.alice, world.anna, world.rita):
        response = client_for(user).get("/bureau/")
        assert response.status_code == 403 and "Adam 管理员" in response.content.decode()
    page = client_for(world.adam).get("/bureau/").content.decode()
    assert world.unit_a.name in page and world.unit_c.name not in page and "carl" not in page


def test_it_adds_units_and_people_with_the_password_rules(world, client_for):
    client = client_for(world.adam)
    dept = world.unit_a.department
    assert client.post("/bureau/", {"action": "unit", "department": dept.pk, "name": "金水区档案馆"}).status_code == 302
    unit = Unit.objects.get(name="金水区档案馆")
    weak = client.post("/bureau/", {"action": "person", "username": "dana", "full_name": "Dana", "role": "editor",
                                    "unit": unit.pk, "password": "12345678"}, follow=True).content.decode()
    assert "密码不符合要求" in weak and not get_user_model().objects.filter(username="dana").exists()
    client.post("/bureau/", {"action": "person", "username": "dana", "full_name": "Dana", "role": "editor",
                             "unit": unit.pk, "password": "Archiv-Pass-2022"})
    m = Membership.objects.get(user__username="dana")
    assert m.unit == unit and m.role == "editor" and m.user.check_password("Archiv-Pass-2022")


def test_another_bureaus_objects_are_not_found(world, client_for):
    client = client_for(world.adam)
    page = client.post("/bureau/", {"action": "unit", "department": world.unit_c.department_id, "name": "x"},
                       follow=True).content.decode()
    assert "没有找到所选的主管部门" in page
    page = client.post("/bureau/", {"action": "deactivate", "user": world.carl.pk}, follow=True).content.decode()
    assert "没有找到所选的人员" in page
    world.carl.refresh_from_db()
    assert world.carl.is_active
    page = client.post("/bureau/", {"action": "person", "username": "eve", "role": "editor",
                                    "unit": world.unit_c.pk, "password": "Good-Pass-2022x"}, follow=True).content.decode()
    assert "没有找到所选的预算单位" in page


def test_a_deactivated_person_cannot_sign_in_and_the_deadline_moves(world, client_for):
    client = client_for(world.adam)
    client.post("/bureau/", {"action": "deactivate", "user": world.bob.pk})
    world.bob.refresh_from_db()
    assert not world.bob.is_active
    client.post("/bureau/", {"action": "notice", "year": 2021, "deadline": "2022-04-30"})
    assert str(Notice.objects.get(bureau=world.bureau, year=2021).deadline) == "2022-04-30"


def test_repeated_failed_logins_are_throttled(world):
    from django.test import Client

    client = Client()
    for _ in range(10):
        assert client.post("/accounts/login/", {"username": "alice", "password": "wrong"}).status_code == 200
    refused = client.post("/accounts/login/", {"username": "alice", "password": "Test-Passw0rd-jixiao"})
    assert refused.status_code == 429 and "登录失败次数过多" in refused.content.decode()
    other = Client().post("/accounts/login/", {"username": "bob", "password": "Test-Passw0rd-jixiao"})
    assert other.status_code == 302  # another name is not locked
