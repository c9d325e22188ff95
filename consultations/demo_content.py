"""Demo consultations for Youth Voice, one for each priority of "Sticking Together".

Each entry pairs a verbatim excerpt of Stoke-on-Trent's community cohesion strategy
("Sticking Together", Stoke-on-Trent City Council and its Local Strategic Partnership) with
a plain-English rewrite for young people and a few questions. The excerpts are left as
written, apart from joining lines broken by the PDF, so staff can see how far the rewrite
has come; every ``youth_summary`` with its question prompts must pass the reading-age gate
(Flesch-Kincaid grade + 5 of at most 12) before a consultation can open.
"""

from __future__ import annotations

DEMO_CONSULTATIONS: list[dict] = [
    {
        "slug": "feeling-safe-where-you-live",
        "theme": "tensions",
        "title": "Tackling, preventing and managing community tensions",
        "original_text": (
            "In modern multicultural societies, it is essential to maintain stability within and "
            "between communities. We need to live together harmoniously with respect for other "
            "people’s backgrounds.\n\n"
            "However, as long as conflict and prejudice are features of everyday life, any schemes "
            "to manage conflict must be flexible enough not to interfere with the individual's "
            "basic rights and freedoms.\n\n"
            "Our plans and measures aimed at reducing the potential for conflict are a major part "
            "of policing. Despite what many people think, policing is not an activity exclusive to "
            "the police; it is a partnership with links to the community, especially when it comes "
            "to information-sharing. Fostering these links will help build a peaceful and "
            "committed society that protects and appreciates diversity.\n\n"
            "Actions:\n\n"
            "- A council model that will identify triggers of community tension at the earliest "
            "opportunity and feed information to policing authorities and the communities "
            "involved.\n"
            "- Information routes established in partnership with community representatives to "
            "reassure communities when tensions arise.\n"
            "- Work with communities and their leaders to address causes of community unrest and "
            "put across the active role of statutory agencies and community organisations in peace "
            "building.\n"
            "- The council should plan thoroughly to monitor progress in peace building and "
            "mediation.\n"
            "- Work in partnership with youth groups and communities to engage with disaffected "
            "young people, especially the most vulnerable.\n"
            "- Develop programmes to enhance leadership skills amongst young people, creating "
            "opportunities for them to influence their peers in a positive way at community level "
            "and in schools."
        ),
        "source_document": "Sticking Together: Community Cohesion Strategy for Stoke-on-Trent",
        "source_organisation": "Stoke-on-Trent City Council and the Local Strategic Partnership",
        "youth_title": "Do you feel safe where you live?",
        "youth_summary": (
            "Sometimes groups of people in a city do not get on. A small row can grow into real "
            "trouble. The council wants to spot the signs early and stop things getting worse.\n\n"
            "The plan says keeping the peace is not just a job for the police. It works best when "
            "people in each area share what they know and look out for each other. It also says "
            "any plans must still respect everyone's rights.\n\n"
            "The council says it will:\n\n"
            "- look out for early signs of trouble between groups.\n"
            "- keep people told what is going on when things go wrong, so they worry less.\n"
            "- help people sort out rows by talking, with a fair person in the middle.\n"
            "- work with youth groups to reach young people who feel let down or left out.\n"
            "- help young people become leaders in their school and where they live.\n\n"
            "We want to know how safe you feel where you live. We also want your ideas for helping "
            "people get on better."
        ),
        "audience_min_age": 11,
        "audience_max_age": 25,
        "questions": [
            {
                "kind": "scale",
                "prompt": "How safe do you feel in the area where you live?",
                "required": True,
                "scale_min_label": "Not at all safe",
                "scale_max_label": "Very safe",
            },
            {
                "kind": "single_choice",
                "prompt": (
                    "In the past year, have you seen someone picked on because of their race, "
                    "religion or where they are from?"
                ),
                "required": False,
                "options": [
                    "Yes, lots of times",
                    "Yes, once or twice",
                    "No",
                    "Not sure",
                ],
            },
            {
                "kind": "multiple_choice",
                "prompt": "What would help people in your area get on better? Pick all that fit.",
                "required": False,
                "options": [
                    "More things for young people to do",
                    "Events that bring different groups together",
                    "People who help sort out rows",
                    "More police or wardens about",
                    "Clear news when something happens",
                    "Something else",
                ],
            },
            {
                "kind": "free_text",
                "prompt": (
                    "If you could change one thing to make your area feel safer, what would it be?"
                ),
                "required": False,
                "max_length": 500,
            },
        ],
    },
    {
        "slug": "a-fair-chance-at-work",
        "theme": "disadvantage",
        "title": "Addressing disadvantage and resolving inequalities",
        "original_text": (
            "It is clear that the pattern of employment in the city does not reflect the size of "
            "the BME population. The council currently employs approximately 13,000 people with "
            "only 1.3% from the BME community. The percentages in the majority of private sector "
            "businesses are much lower, although there is evidence of better representation in the "
            "voluntary sector.\n\n"
            "The local authority has set itself targets aimed at building up a workforce that will "
            "reflect the communities it serves. However, these targets have yet to be set among "
            "our partners. Areas of particular concern are the Police, Health Services and "
            "Education.\n\n"
            "Having a workforce that reflects the community and population make-up of the city "
            "will improve our service delivery to customers. Embracing different perspectives will "
            "lead to a higher quality of thinking, particularly in terms of resolving problems and "
            "customer-focused services.\n\n"
            "Actions:\n\n"
            "- Initiatives will be set up to recruit more BME employees and more employees from "
            "disadvantaged and deprived backgrounds. This will become standard practice with our "
            "partners and stakeholders.\n"
            "- Officers having a leadership role in their communities will be identified and we "
            "will use their expertise and advice to communicate with the wider community.\n"
            "- We will develop mentoring schemes within the council and with our partners and "
            "stakeholders."
        ),
        "source_document": "Sticking Together: Community Cohesion Strategy for Stoke-on-Trent",
        "source_organisation": "Stoke-on-Trent City Council and the Local Strategic Partnership",
        "youth_title": "Does everyone get a fair chance at a job?",
        "youth_summary": (
            "About 13,000 people work for the council. Fewer than 2 in every 100 of them are "
            "Black, Asian or from another minority ethnic group. That does not match the mix of "
            "people in the city. In most local firms the number is even lower. Charities do a bit "
            "better.\n\n"
            "The council wants its staff to look like the people it works for. It says this will "
            "make its work better. People with different views come up with better ideas. It has "
            "set itself goals for this. Its partners, like the police, health services and "
            "schools, have not set goals yet.\n\n"
            "The council plans to:\n\n"
            "- find ways to take on more staff from minority ethnic groups and poorer areas.\n"
            "- ask its partners to do the same.\n"
            "- ask staff who are leaders in their own community to help it talk to everyone.\n"
            "- set up mentoring with its partners. A mentor is someone with more experience who "
            "helps you learn and grow.\n\n"
            "We want to know what makes it hard for young people to find work. We also want to "
            "know if a mentor would help you."
        ),
        "audience_min_age": 14,
        "audience_max_age": 25,
        "questions": [
            {
                "kind": "single_choice",
                "prompt": (
                    "Do you think young people from all backgrounds get a fair chance at jobs here?"
                ),
                "required": True,
                "options": [
                    "Yes",
                    "Mostly",
                    "Not really",
                    "No",
                    "Not sure",
                ],
            },
            {
                "kind": "multiple_choice",
                "prompt": "What makes it hard for young people to find work? Pick all that fit.",
                "required": False,
                "options": [
                    "Not enough jobs nearby",
                    "Not the right skills or exams",
                    "No one to give good advice",
                    "Being treated unfairly",
                    "Cost of getting there",
                    "Something else",
                ],
            },
            {
                "kind": "scale",
                "prompt": (
                    "How useful would a mentor be for you? That is someone older who helps you "
                    "plan your future."
                ),
                "required": False,
                "scale_min_label": "Not useful",
                "scale_max_label": "Very useful",
            },
            {
                "kind": "free_text",
                "prompt": "What would help you, or people you know, get a good job?",
                "required": False,
                "max_length": 500,
            },
        ],
    },
    {
        "slug": "news-facts-and-myths",
        "theme": "communication",
        "title": "Improving direct channels of communications and information",
        "original_text": (
            "Communications - marketing, public relations and consultation activities - are "
            "important for community cohesion. Channels of communication need to be open to ensure "
            "that communities can put forward their views and that agencies are able to let others "
            "know about their activities and their responses to them.\n\n"
            "Communications should not be used only to inform communities or to gather "
            "information, but to establish a dialogue between agencies, partnerships and "
            "communities about their concerns and the progress of the action plans. They can show "
            "events in a positive light, provide accurate facts, and challenge misperceptions "
            "amongst those with a potentially negative influence.\n\n"
            "Actions:\n\n"
            "- An information matrix for community events, festivals and cultural activities is "
            "available to all, using resources such as the city council’s website, City Life "
            "magazine, voluntary and community newsletters.\n"
            "- Fostering the ability of vulnerable communities to approach the media, so that "
            "their views can be truly represented.\n"
            "- The use of the media to promote activities against racial and hate crime.\n"
            "- We are producing bulletins and leaflets that contain facts about the city in order "
            "to counteract prejudices and myths.\n"
            "- We are reviewing of existing forums and alliances to improve participation amongst "
            "BME communities and young people.\n"
            "- Making a directory of community contacts available for exchange of ideas on action "
            "plans and proposals.\n"
            "- Improving relations with the local media to develop a way of replacing negative "
            "perceptions with positive images.\n"
            "- Setting up procedures so that communities - through their work in groups, forums "
            "and networks - are able to agree the messages to be sent out and support the approach "
            "agreed."
        ),
        "source_document": "Sticking Together: Community Cohesion Strategy for Stoke-on-Trent",
        "source_organisation": "Stoke-on-Trent City Council and the Local Strategic Partnership",
        "youth_title": "Where do you get news about your city?",
        "youth_summary": (
            "The council wants talking to go both ways. It should not just tell people things or "
            "collect facts. People should be able to share their views. The council should then "
            "say what it is doing about them.\n\n"
            "Clear, true facts can also help fight myths. Some people believe untrue stories about "
            "other groups. Facts can help change that.\n\n"
            "The council plans to:\n\n"
            "- share news about events and festivals on its website and in local magazines.\n"
            "- help groups who find it hard to be heard to talk to the press, radio and TV.\n"
            "- use local news to speak out against racism and hate crime.\n"
            "- make leaflets with true facts about the city, to tackle myths.\n"
            "- look again at its forums, so more young people and minority ethnic groups join in.\n"
            "- work with local news to show people in a fairer light.\n\n"
            "We want to know where you get your news. We also want to know how the council should "
            "talk to you."
        ),
        "audience_min_age": 11,
        "audience_max_age": 25,
        "questions": [
            {
                "kind": "multiple_choice",
                "prompt": "Where do you find out what is going on in your area? Pick all that fit.",
                "required": True,
                "options": [
                    "Social media",
                    "Friends and family",
                    "School, college or work",
                    "Council website",
                    "Local papers, radio or TV",
                    "Youth club or group",
                ],
            },
            {
                "kind": "single_choice",
                "prompt": (
                    "What is the best way for the council to tell you about events and plans?"
                ),
                "required": True,
                "options": [
                    "Social media",
                    "Text or chat app",
                    "Email",
                    "Posters and leaflets",
                    "Through school or youth club",
                ],
            },
            {
                "kind": "scale",
                "prompt": "How fair is local news about young people?",
                "required": False,
                "scale_min_label": "Not fair at all",
                "scale_max_label": "Very fair",
            },
            {
                "kind": "free_text",
                "prompt": "What do you wish people knew about young people where you live?",
                "required": False,
                "max_length": 500,
            },
        ],
    },
    {
        "slug": "arts-culture-and-belonging",
        "theme": "culture",
        "title": "Creating a visible cultural partnership and developing a sense of belonging",
        "original_text": (
            "Cultural activities are a powerful way of engaging with communities and breaking down "
            "barriers. The arts are attractive both to residents and to the city's growing tourist "
            "industry, and present excellent opportunities to market Stoke-on-Trent as a vibrant "
            "place where communities come together and live in harmony.\n\n"
            "Community arts projects can be a key factor in community development, but they can "
            "also promote cultural exchange, create a sense of individual worth, build "
            "communication skills, reduce conflict between young and old residents and enhance "
            "effective citizenship. In addition, they can be a means of tackling issues such as "
            "crime prevention, health promotion and poverty.\n\n"
            "Exploring the city’s heritage will help people understand that it has been built up "
            "through the centuries by many different cultures. It is these multicultural "
            "influences that have produced the artworks visible across the city, including the "
            "triumphs of the pottery industry in the 1900s. The Cultural Strategy has recognised "
            "that we need to integrate this aspect of heritage because it is currently fragmented "
            "and lacks overall identity.\n\n"
            "Actions:\n\n"
            "- Develop arts and cultural exchanges amongst the young in order to foster "
            "understanding and knowledge of other people and their cultures.\n"
            "- Ensure that the arts are used by young people to produce statements about issues "
            "that affect them: for example, how they feel perceived by the majority or by the "
            "older population.\n"
            "- Ensure that culture is accessible to all and takes place where people feel "
            "comfortable. Schools, places of work and community centres are ideal venues for "
            "communities to display their arts and cultural heritage."
        ),
        "source_document": "Sticking Together: Community Cohesion Strategy for Stoke-on-Trent",
        "source_organisation": "Stoke-on-Trent City Council and the Local Strategic Partnership",
        "youth_title": "Art, culture and feeling you belong",
        "youth_summary": (
            "Art, music and events can bring people together. The council says they help people "
            "meet and break down barriers. They can help young and old get on better. They can "
            "also help with things like crime, health and being poor.\n\n"
            "People from lots of cultures have helped build Stoke-on-Trent over hundreds of years. "
            "You can see it in the art around the city and in its famous pottery. But the plan "
            "says this story is told in bits and pieces, not as a whole.\n\n"
            "The council plans to:\n\n"
            "- set up art projects where young people learn about each other's cultures.\n"
            "- help young people use art to speak out about things that affect them. One example "
            "is how older people see them.\n"
            "- hold events in places where people feel at ease, like schools, work and community "
            "centres.\n\n"
            "We want to know what events you would go to. We also want to know what helps you feel "
            "you belong here."
        ),
        "audience_min_age": 11,
        "audience_max_age": 25,
        "questions": [
            {
                "kind": "multiple_choice",
                "prompt": (
                    "Which of these would you like to go to or take part in? Pick all that fit."
                ),
                "required": False,
                "options": [
                    "Music or dance",
                    "Art or craft projects",
                    "Food and culture festivals",
                    "Drama or film",
                    "Events run by faith groups",
                    "History and pottery trails",
                    "None of these",
                ],
            },
            {
                "kind": "scale",
                "prompt": "How much do you feel you belong in Stoke-on-Trent?",
                "required": True,
                "scale_min_label": "Not at all",
                "scale_max_label": "Very much",
            },
            {
                "kind": "free_text",
                "prompt": "If you made a piece of art about your life here, what would it say?",
                "required": False,
                "max_length": 500,
            },
        ],
    },
    {
        "slug": "how-should-we-ask-you",
        "theme": "engagement",
        "title": "Engagement and effective involvement",
        "original_text": (
            "Community Participation takes place at many levels, from engagement in communities to "
            "formal council consultation. All these activities can help to develop committed and "
            "effective citizens. Our programmes to encourage residents to become involved and to "
            "consult with the council will therefore have a direct impact on citizenship and civic "
            "renewal.\n\n"
            "There is always a benefit when residents participate, and when projects and plans are "
            "openly discussed. They enable policy and service provisions to reflect the needs and "
            "expectations of the community and ensure ownership by that community. They also build "
            "relations of trust between communities and governing bodies.\n\n"
            "Information and feedback will help communities to engage and will help the agencies "
            "involved to develop clear strategies. This in turn will allow information to be "
            "shared between our stakeholders (the communities) and the council, and will make "
            "discussion and communication easier.\n\n"
            "Effective citizenship will foster respect, diversity and a sense of belonging in "
            "local communities, building on the existing work of community-based groups.\n\n"
            "Our activities must aim at promoting an understanding of the rights of individuals "
            "and the responsibilities they hold towards each other. It is the interplay between "
            "rights, responsibilities and mutual respect which underpins effective citizenship.\n\n"
            "Actions:\n\n"
            "- Ensure that citizenship is understood not just as a mark of identity, but as a "
            "means of community engagement with civil society.\n"
            "- Make consistent, well designed consultation guidelines available to participant "
            "communities."
        ),
        "source_document": "Sticking Together: Community Cohesion Strategy for Stoke-on-Trent",
        "source_organisation": "Stoke-on-Trent City Council and the Local Strategic Partnership",
        "youth_title": "How should the council ask for your views?",
        "youth_summary": (
            "The council wants more people to have a say in what happens in the city. That could "
            "mean joining a local group. It could mean filling in a survey like this one.\n\n"
            "The plan says that when people join in, plans fit their needs better. It also helps "
            "people and the council trust each other. So the council needs to share facts and tell "
            "people what happened next.\n\n"
            "The plan also talks about being a good citizen. It says that is not just about where "
            "you are from. It means knowing your rights. It also means caring about other people "
            "and treating them with respect.\n\n"
            "The council says it will write clear, simple rules for how it asks people for their "
            "views. It will use the same rules each time.\n\n"
            "We want to know how you like to be asked. We also want to know what would help you "
            "trust the council more."
        ),
        "audience_min_age": 13,
        "audience_max_age": 25,
        "questions": [
            {
                "kind": "single_choice",
                "prompt": (
                    "Before today, had the council or another public body ever asked for your "
                    "views?"
                ),
                "required": False,
                "options": [
                    "Yes",
                    "No",
                    "Not sure",
                ],
            },
            {
                "kind": "multiple_choice",
                "prompt": "How would you like to be asked for your views? Pick all that fit.",
                "required": True,
                "options": [
                    "Online surveys",
                    "Chat apps",
                    "Groups at school or college",
                    "Youth club sessions",
                    "Meeting face to face",
                    "A youth forum",
                ],
            },
            {
                "kind": "scale",
                "prompt": "How much do you trust the council to listen to young people?",
                "required": True,
                "scale_min_label": "Not at all",
                "scale_max_label": "A lot",
            },
            {
                "kind": "free_text",
                "prompt": "What would make you want to have your say more often?",
                "required": False,
                "max_length": 500,
            },
        ],
    },
    {
        "slug": "a-youth-forum-with-a-real-say",
        "theme": "young_people",
        "title": "Putting young people at the heart of community cohesion",
        "original_text": (
            "Youth alienation can be reduced by placing the emphasis on positive activities that "
            "young people can develop in their free time with their peers, as well as stressing "
            "how those activities can be more effective than merely isolating themselves and "
            "nurturing feelings of resentment or anger against the elders of the community, who "
            "are often accused of ignoring their needs and perceptions.\n\n"
            "Reducing youth alienation, involving young people in decision-making and giving them "
            "the leadership skills necessary to represent their community, provides an opportunity "
            "to reduce tension between the generations and foster increased understanding.\n\n"
            "Actions:\n\n"
            "- Build a forum of young people that is able to influence decision-making in the "
            "Local Strategic Partnership.\n"
            "- Enable young people to come together to develop effective citizenship models and "
            "address what matters to their communities.\n"
            "- Make consultations and strategies available in a format appropriate for young "
            "people, provide feedback, and help them understand how to act on plans.\n"
            "- Offer young people a range of activities, including leadership, communications and "
            "mediation/consensus training."
        ),
        "source_document": "Sticking Together: Community Cohesion Strategy for Stoke-on-Trent",
        "source_organisation": "Stoke-on-Trent City Council and the Local Strategic Partnership",
        "youth_title": "Should young people help make the big decisions?",
        "youth_summary": (
            "Some young people feel shut out. Some feel angry with older people who they think "
            "ignore them. The plan says good things to do with friends can help. It says this "
            "works better than staying on your own and feeling bitter.\n\n"
            "The council thinks young people should help make decisions. It also wants to help you "
            "lead and speak up for where you live. It thinks this would help young and old "
            "understand each other.\n\n"
            "The council plans to:\n\n"
            "- set up a youth forum that can shape decisions by the council and its partners.\n"
            "- help young people come together to work on what matters where they live.\n"
            "- give you plans in a way you can understand, and tell you what happened next.\n"
            "- offer training in leading, speaking up and helping people settle rows.\n\n"
            "We want to know if you would join a forum like this. We also want to know what it "
            "should work on first."
        ),
        "audience_min_age": 11,
        "audience_max_age": 25,
        "questions": [
            {
                "kind": "single_choice",
                "prompt": "Would you like to join a youth forum that can change council decisions?",
                "required": True,
                "options": [
                    "Yes",
                    "Maybe",
                    "No",
                    "I'm already in one",
                ],
            },
            {
                "kind": "scale",
                "prompt": "How much do older people in your area listen to young people?",
                "required": True,
                "scale_min_label": "Not at all",
                "scale_max_label": "A lot",
            },
            {
                "kind": "multiple_choice",
                "prompt": "Which training would you like to try? Pick all that fit.",
                "required": False,
                "options": [
                    "Leading a group",
                    "Speaking in public",
                    "Helping people settle rows",
                    "Making videos or posts",
                    "None of these",
                ],
            },
            {
                "kind": "free_text",
                "prompt": "What should a youth forum work on first?",
                "required": False,
                "max_length": 500,
            },
        ],
        # Officer-written translations, so the demo shows the youth pages and the chat in
        # Polish and Urdu. Questions and options by position; answers land on the same ids.
        "translations": {
            "pl": {
                "youth_title": "Czy młodzi ludzie powinni pomagać podejmować ważne decyzje?",
                "youth_summary": (
                    "Niektórzy młodzi ludzie czują się pominięci. Niektórzy są źli na starszych, "
                    "bo myślą, że starsi ich nie słuchają. Plan mówi, że dobre zajęcia z "
                    "przyjaciółmi mogą pomóc. Mówi, że to lepsze niż siedzenie samemu i złość.\n\n"
                    "Rada miasta uważa, że młodzi ludzie powinni pomagać podejmować decyzje. Chce "
                    "też pomóc ci przewodzić i zabierać głos w sprawie miejsca, "
                    "w którym mieszkasz.\n\n"
                    "Rada planuje:\n\n"
                    "- założyć forum młodzieży, które może wpływać na decyzje "
                    "rady i jej partnerów.\n"
                    "- pomagać młodym ludziom razem działać w sprawach ważnych "
                    "tam, gdzie mieszkają.\n"
                    "- pokazywać ci plany tak, żebyś je rozumiał, i mówić, co stało się potem.\n"
                    "- prowadzić szkolenia z przewodzenia, zabierania głosu i godzenia kłótni.\n\n"
                    "Chcemy wiedzieć, czy dołączyłbyś do takiego forum i czym powinno się zająć "
                    "najpierw."
                ),
                "questions": [
                    {
                        "prompt": "Czy chcesz dołączyć do forum młodzieży, które może zmieniać "
                        "decyzje rady miasta?",
                        "options": ["Tak", "Może", "Nie", "Już w nim jestem"],
                    },
                    {
                        "prompt": "Jak bardzo starsi ludzie w twojej okolicy słuchają młodych?",
                        "scale_min_label": "Wcale",
                        "scale_max_label": "Bardzo",
                    },
                    {
                        "prompt": "Jakie szkolenie chcesz wypróbować? Zaznacz wszystko, co pasuje.",
                        "options": [
                            "Prowadzenie grupy",
                            "Przemawianie publiczne",
                            "Pomaganie w godzeniu kłótni",
                            "Robienie filmów lub postów",
                            "Żadne z nich",
                        ],
                    },
                    {"prompt": "Czym forum młodzieży powinno się zająć najpierw?"},
                ],
            },
            "ur": {
                "youth_title": "کیا نوجوانوں کو بڑے فیصلوں میں مدد کرنی چاہیے؟",
                "youth_summary": (
                    "کچھ نوجوان خود کو الگ تھلگ محسوس کرتے ہیں۔ کچھ بڑوں سے ناراض ہیں کیونکہ ان کے "
                    "خیال میں بڑے ان کی بات نہیں سنتے۔ منصوبہ کہتا ہے کہ دوستوں کے ساتھ اچھی "
                    "سرگرمیاں مدد کر سکتی ہیں۔\n\n"
                    "کونسل سمجھتی ہے کہ نوجوانوں کو فیصلے کرنے میں مدد کرنی چاہیے۔ وہ آپ کو اپنے "
                    "علاقے کے لیے آگے بڑھنے اور آواز اٹھانے میں بھی مدد دینا چاہتی ہے۔\n\n"
                    "کونسل کا منصوبہ ہے کہ:\n\n"
                    "- ایک یوتھ فورم بنایا جائے جو کونسل اور اس کے ساتھیوں کے "
                    "فیصلوں پر اثر ڈال سکے۔\n"
                    "- نوجوانوں کو اپنے علاقے کے اہم کاموں پر مل کر کام کرنے میں مدد دی جائے۔\n"
                    "- منصوبے آسان انداز میں دیے جائیں، اور بتایا جائے کہ بعد میں کیا ہوا۔\n"
                    "- قیادت، بات کرنے اور جھگڑے سلجھانے کی تربیت دی جائے۔\n\n"
                    "ہم جاننا چاہتے ہیں کہ کیا آپ ایسے فورم میں شامل ہوں گے، اور اسے پہلے کس چیز "
                    "پر کام کرنا چاہیے۔"
                ),
                "questions": [
                    {
                        "prompt": "کیا آپ ایسے یوتھ فورم میں شامل ہونا چاہیں گے جو کونسل کے "
                        "فیصلے بدل سکے؟",
                        "options": ["ہاں", "شاید", "نہیں", "میں پہلے سے شامل ہوں"],
                    },
                    {
                        "prompt": "آپ کے علاقے میں بڑے نوجوانوں کی بات کتنی سنتے ہیں؟",
                        "scale_min_label": "بالکل نہیں",
                        "scale_max_label": "بہت زیادہ",
                    },
                    {
                        "prompt": "آپ کون سی تربیت آزمانا چاہیں گے؟ جو بھی مناسب ہوں سب چنیں۔",
                        "options": [
                            "گروپ کی قیادت",
                            "لوگوں کے سامنے بولنا",
                            "جھگڑے سلجھانے میں مدد",
                            "ویڈیوز یا پوسٹس بنانا",
                            "ان میں سے کوئی نہیں",
                        ],
                    },
                    {"prompt": "یوتھ فورم کو سب سے پہلے کس چیز پر کام کرنا چاہیے؟"},
                ],
            },
        },
    },
]
